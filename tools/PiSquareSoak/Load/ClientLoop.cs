using System.Diagnostics;
using System.Globalization;
using IotSquares.Client;
using IotSquares.Client.Exchange;
using IotSquares.Protocol.Events;

namespace IotSquares.Soak.Load;

/// <summary>
/// One simulated client: runs whole exchanges with <see cref="SquaresClient"/>, one after another on
/// a new connection each, until the run's time is up, paced to its share of the total rate.
/// </summary>
internal sealed class ClientLoop
{
    // A bound on count as well as on time: far more than any run can reach (a day at 1,000 exchanges/s).
    private const long MaxExchanges = 100_000_000;

    // A loop that falls behind its pace may catch up by this much at most, so it never bursts for long.
    private static readonly TimeSpan MaxCatchUp = TimeSpan.FromSeconds(1);

    // After a failure, wait this long before the next exchange so a dead server is not hammered.
    private static readonly TimeSpan FailurePause = TimeSpan.FromMilliseconds(200);

    private readonly ClientProfile _profile;
    private readonly string _host;
    private readonly int _port;
    private readonly double _squaresPerSecond;
    private readonly Random _random;
    private readonly ErrorLog _errors;

    /// <summary>Creates the loop.</summary>
    /// <param name="profile">How it speaks.</param>
    /// <param name="host">The server's address.</param>
    /// <param name="port">The server's port.</param>
    /// <param name="squaresPerSecond">Its share of the rate; 0 is unthrottled.</param>
    /// <param name="seed">Seeds its choice of exchanges.</param>
    /// <param name="errors">Where failures go.</param>
    public ClientLoop(ClientProfile profile, string host, int port, double squaresPerSecond, int seed, ErrorLog errors)
    {
        _profile = profile;
        _host = host;
        _port = port;
        _squaresPerSecond = squaresPerSecond;
#pragma warning disable CA5394 // Not security: a repeatable workload.
        _random = new Random(seed);
#pragma warning restore CA5394
        _errors = errors;
        Stats = new ClientStats(profile);
    }

    /// <summary>The loop's totals.</summary>
    public ClientStats Stats { get; }

    /// <summary>
    /// Runs exchanges until <paramref name="clock"/> reaches <paramref name="duration"/> (none starts after it).
    /// Pacing: an exchange of n squares takes n / rate of the loop's schedule and starts in the middle
    /// of that slot, so the squares done by any moment are within half an exchange of the rate either
    /// way, and the loops, whose exchanges differ in length, start out of step.
    /// </summary>
    public async Task RunAsync(Stopwatch clock, TimeSpan duration, CancellationToken cancellationToken)
    {
        TimeSpan due = clock.Elapsed;
        for (long n = 0; n < MaxExchanges && !cancellationToken.IsCancellationRequested; n++)
        {
            ExchangePlan plan = ExchangePlan.Next(_random);
            TimeSpan now = clock.Elapsed;
            if (due < now - MaxCatchUp)
            {
                due = now - MaxCatchUp;
            }

            TimeSpan halfSlot = _squaresPerSecond > 0 ? TimeSpan.FromSeconds(plan.Count / _squaresPerSecond / 2) : TimeSpan.Zero;
            due += halfSlot;

            if (due >= duration || now >= duration)
            {
                return;
            }

            if (due > now)
            {
                await Task.Delay(due - now, cancellationToken);
            }

            bool failed = await RunOneAsync(plan, clock, cancellationToken);
            due += halfSlot;
            if (failed && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(FailurePause, cancellationToken);
            }
        }
    }

    private async Task<bool> RunOneAsync(ExchangePlan plan, Stopwatch clock, CancellationToken cancellationToken)
    {
        var options = new ClientOptions
        {
            Host = _host,
            Port = _port,
            Start = plan.Start,
            Count = plan.Count,
            Dialect = _profile.Dialect,
            Pipeline = _profile.Pipeline,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ReceiveTimeout = TimeSpan.FromSeconds(30),

            // A soak must see every lost connection: the client's reconnect-with-backoff would ride over it.
            Retry = RetryPolicy.None,
        };

        ExchangeResult result;
        try
        {
            result = await new SquaresClient(options, []).RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // SquaresClient reports what the network and the server do in its result; an exception is a bug, counted all the same.
            result = new ExchangeResult(-1, default, null, plan.Count, 0, 1, TimeSpan.Zero, null, $"unexpected {ex.GetType().Name}: {ex.Message}");
        }

        if (result.ExitCode == ClientExitCodes.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // Interrupted by the user: not the server's fault, and not counted.
            return false;
        }

        bool failed = !result.Succeeded || result.Verified != plan.Count;
        Stats.Add(plan.Count, result.Verified, failed, result.Reconnects);
        if (failed)
        {
            string message = result.Message
                ?? string.Create(CultureInfo.InvariantCulture, $"verified {result.Verified} of {plan.Count} squares");
            _errors.Add(new ErrorRecord(
                clock.Elapsed.TotalSeconds,
                string.Create(CultureInfo.InvariantCulture, $"#{_profile.Index} {_profile.Name}"),
                result.ExitCode,
                message,
                plan.ToString()));
        }

        return failed;
    }
}

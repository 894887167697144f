using IotSquares.Client.Exchange;

namespace IotSquares.Client.Tests.Exchange;

/// <summary>Exponential backoff with "equal jitter": the capped doubling delay times a factor in [0.5, 1).</summary>
public sealed class RetryPolicyTests
{
    private static readonly RetryPolicy Policy = new(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));

    // The delays by hand: 200 ms doubling per attempt, capped at 5 s, halved by the lowest jitter.
    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(4, 800)]
    [InlineData(5, 1600)]
    [InlineData(6, 2500)]
    [InlineData(7, 2500)]
    public void The_lowest_jitter_gives_half_the_capped_doubling_delay(int attempt, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Policy.DelayFor(attempt, new FixedRandom(0.0)));
    }

    [Theory]
    [InlineData(1, 150)]
    [InlineData(3, 600)]
    [InlineData(9, 3750)]
    public void A_middle_jitter_gives_three_quarters(int attempt, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Policy.DelayFor(attempt, new FixedRandom(0.5)));
    }

    [Fact]
    public void The_highest_jitter_stays_within_the_cap()
    {
        TimeSpan delay = Policy.DelayFor(20, new FixedRandom(Math.BitDecrement(1.0)));

        Assert.True(delay <= TimeSpan.FromSeconds(5), delay.ToString()); // equal at most by rounding to a tick
        Assert.True(delay > TimeSpan.FromMilliseconds(4999), delay.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void An_attempt_below_one_counts_as_the_first(int attempt)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), Policy.DelayFor(attempt, new FixedRandom(0.0)));
    }

    [Theory]
    [InlineData(1100)]
    [InlineData(int.MaxValue)]
    public void An_attempt_so_late_that_doubling_overflows_still_waits_the_cap(int attempt)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(2500), Policy.DelayFor(attempt, new FixedRandom(0.0)));
    }

    [Fact]
    public void Real_jitter_spreads_the_delays_over_the_whole_band()
    {
        var random = new Random(12345);
        TimeSpan[] delays = [.. Enumerable.Range(0, 1000).Select(_ => Policy.DelayFor(3, random))];

        Assert.All(delays, d => Assert.InRange(d.TotalMilliseconds, 400, 800));
        Assert.True(delays.Min().TotalMilliseconds < 420, "never near the bottom of the band");
        Assert.True(delays.Max().TotalMilliseconds > 780, "never near the top of the band");
    }

    [Fact]
    public void The_default_rides_out_a_restart_and_none_never_retries()
    {
        Assert.Equal(new RetryPolicy(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5)), RetryPolicy.Default);
        Assert.Equal(0, RetryPolicy.None.MaxRetries);
    }

    [Fact]
    public void No_random_source_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => Policy.DelayFor(1, null!));
    }

    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }
}

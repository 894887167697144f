namespace IotSquares.Soak.Monitoring;

/// <summary>How the started server ended.</summary>
/// <param name="ExitedBeforeStop">It was already gone when the run ended: it crashed or was stopped by someone else.</param>
/// <param name="ExitCode">Its exit code; null if it had to be killed.</param>
/// <param name="Seconds">From SIGTERM to exit.</param>
/// <param name="Killed">It did not exit within the time allowed and was killed.</param>
internal sealed record ServerStop(bool ExitedBeforeStop, int? ExitCode, double Seconds, bool Killed)
{
    /// <summary>True when SIGTERM stopped it and it exited 0.</summary>
    public bool Clean => !ExitedBeforeStop && !Killed && ExitCode == 0;

    /// <summary>One line for the summary.</summary>
    public string Describe() => this switch
    {
        { ExitedBeforeStop: true } => $"the server had already exited (code {ExitCode}) before the end of the run",
        { Killed: true } => $"the server did not exit within {Seconds:0.#} s of SIGTERM and was killed",
        _ => $"SIGTERM: the server exited with code {ExitCode} after {Seconds:0.00} s{(ExitCode == 0 ? string.Empty : " (not 0)")}",
    };
}

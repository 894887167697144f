namespace IotSquares.Integration.Tests.Support;

/// <summary>What /proc says about a process at one moment.</summary>
/// <param name="RssKiB">Resident memory now (VmRSS).</param>
/// <param name="PeakRssKiB">The most resident memory so far (VmHWM).</param>
/// <param name="Threads">Threads.</param>
/// <param name="OpenFiles">Open file descriptors (sockets included).</param>
/// <param name="Sockets">Open descriptors that are sockets: the listener and every connection.</param>
internal sealed record ProcessSample(long RssKiB, long PeakRssKiB, int Threads, int OpenFiles, int Sockets)
{
    public override string ToString() =>
        $"RSS {RssKiB / 1024.0:F1} MiB (peak {PeakRssKiB / 1024.0:F1} MiB), {Threads} threads, {OpenFiles} open files, {Sockets} sockets";
}

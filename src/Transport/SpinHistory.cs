namespace IotSquares.Transport;

/// <summary>One connection's record of how spinning has paid off; see <see cref="SocketSpinning.WaitReadable"/>.</summary>
public struct SpinHistory
{
    // Public so that a connection can own one by value; its state is the policy's business only.

    /// <summary>Waits still to pass without spinning.</summary>
    internal int Skip;

    /// <summary>How many waits the next miss will skip (doubles per miss, reset by a hit).</summary>
    internal int Penalty;
}

using System.Collections.Concurrent;
using System.Net;

namespace IotSquares.Server.Connections;

/// <summary>Whether a new connection may be served.</summary>
internal enum Admission
{
    /// <summary>Served; must be released when it ends.</summary>
    Admitted,

    /// <summary>Refused: the server serves its maximum already.</summary>
    ServerFull,

    /// <summary>Refused: this remote address holds its maximum already.</summary>
    AddressFull,
}

/// <summary>
/// Counts connections in total and per remote address, so that one host (a runaway script, a
/// scanner) cannot take every slot and lock out the other Pi.
/// </summary>
internal sealed class ConnectionAdmission
{
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private readonly int _maxTotal;
    private readonly int _maxPerAddress;
    private int _total;

    /// <param name="maxTotal">The most connections at once.</param>
    /// <param name="maxPerAddress">The most from one address at once; 0 for no per-address limit.</param>
    public ConnectionAdmission(int maxTotal, int maxPerAddress)
    {
        _maxTotal = maxTotal;
        _maxPerAddress = maxPerAddress;
    }

    public int Total => Volatile.Read(ref _total);

    /// <summary>Takes a slot for <paramref name="address"/> (null: unknown, counted in the total only).</summary>
    public Admission TryAdmit(IPAddress? address)
    {
        if (Interlocked.Increment(ref _total) > _maxTotal)
        {
            Interlocked.Decrement(ref _total);
            return Admission.ServerFull;
        }

        if (_maxPerAddress > 0 && address is not null &&
            _perAddress.AddOrUpdate(address, 1, static (_, count) => count + 1) > _maxPerAddress)
        {
            ReleaseAddress(address);
            Interlocked.Decrement(ref _total);
            return Admission.AddressFull;
        }

        return Admission.Admitted;
    }

    /// <summary>Gives back the slot an admitted connection held.</summary>
    public void Release(IPAddress? address)
    {
        if (_maxPerAddress > 0 && address is not null)
        {
            ReleaseAddress(address);
        }

        Interlocked.Decrement(ref _total);
    }

    private void ReleaseAddress(IPAddress address)
    {
        // Remove the entry when it drops to zero, so that addresses seen once do not pile up.
        while (true)
        {
            int count = _perAddress.GetValueOrDefault(address);
            if (count <= 1)
            {
                if (_perAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, count)))
                {
                    return;
                }
            }
            else if (_perAddress.TryUpdate(address, count - 1, count))
            {
                return;
            }
        }
    }
}

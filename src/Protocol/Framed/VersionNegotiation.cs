namespace IotSquares.Protocol.Framed;

/// <summary>Picks the version both sides speak.</summary>
public static class VersionNegotiation
{
    /// <summary>
    /// The highest version in <paramref name="offered"/> that lies in [<paramref name="oldest"/>,
    /// <paramref name="newest"/>], or null when there is none.
    /// </summary>
    public static int? Choose(IReadOnlyList<int> offered, int oldest, int newest)
    {
        ArgumentNullException.ThrowIfNull(offered);
        int? best = null;
        foreach (int version in offered)
        {
            if (version >= oldest && version <= newest && (best is null || version > best))
            {
                best = version;
            }
        }

        return best;
    }
}

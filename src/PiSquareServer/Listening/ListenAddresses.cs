using System.Net;
using System.Net.Sockets;

namespace IotSquares.Server.Listening;

/// <summary>Turns the <c>Bind</c> setting into the addresses to listen on.</summary>
internal static class ListenAddresses
{
    /// <summary>The spellings of "every interface".</summary>
    private static readonly string[] AnyAddress = ["*", "any", "+"];

    /// <summary>
    /// <c>*</c> gives one dual-stack IPv6 socket that also takes IPv4 (or IPv4 alone on a machine
    /// without IPv6); an IP literal gives itself; a host name gives every address it resolves to.
    /// </summary>
    public static async Task<IReadOnlyList<IPAddress>> ResolveAsync(string bind, CancellationToken cancellationToken)
    {
        string text = bind.Trim();
        if (AnyAddress.Contains(text, StringComparer.OrdinalIgnoreCase))
        {
            return [Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any];
        }

        if (IPAddress.TryParse(text.Trim('[', ']'), out IPAddress? literal))
        {
            return [literal];
        }

        IPAddress[] resolved = await Dns.GetHostAddressesAsync(text, cancellationToken).ConfigureAwait(false);
        if (resolved.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        return resolved;
    }
}

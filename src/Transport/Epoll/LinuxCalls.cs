using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace IotSquares.Transport.Epoll;

/// <summary>
/// The few libc calls the epoll transport makes. Every socket call passes MSG_DONTWAIT, so the
/// descriptor's own blocking mode (which .NET manages) does not matter, and MSG_NOSIGNAL, so a peer that
/// went away is an error, not a SIGPIPE.
/// </summary>
internal static partial class LinuxCalls
{
    public const int EpollIn = 0x001;
    public const int EpollOut = 0x004;
    public const int EpollErr = 0x008;
    public const int EpollHup = 0x010;
    public const int EpollRdHup = 0x2000;
    public const uint EpollEdgeTriggered = 1u << 31;

    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;

    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000;
    private const int EpollCloexec = 0x80000;

    private const int EINTR = 4;
    private const int EAGAIN = 11;

    /// <summary>
    /// Size of <c>struct epoll_event</c> and the offset of its data: glibc packs it on x86 (12 bytes), every
    /// other architecture, the Pi's arm64 among them, aligns the 64-bit data (16 bytes).
    /// </summary>
    public static readonly int EventSize = IsPacked ? 12 : 16;

    private static readonly int DataOffset = IsPacked ? 4 : 8;

    private static bool IsPacked => RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;

    /// <summary>What a non-blocking socket call came to.</summary>
    public enum Outcome
    {
        /// <summary>Bytes moved (or, for a receive of 0, the peer closed its side).</summary>
        Done,

        /// <summary>Nothing to read, or no room to write: wait for the next event.</summary>
        WouldBlock,
    }

    public static int CreateEpoll()
    {
        int fd = epoll_create1(EpollCloexec);
        return fd >= 0 ? fd : throw new SocketException(Marshal.GetLastPInvokeError());
    }

    public static void Control(int epoll, int operation, int fd, uint events, long data)
    {
        Span<byte> ev = stackalloc byte[16];
        ev.Clear();
        MemoryMarshal.Write(ev, in events);
        MemoryMarshal.Write(ev[DataOffset..], in data);
        if (epoll_ctl(epoll, operation, fd, ref ev[0]) != 0)
        {
            throw new SocketException(ToSocketError(Marshal.GetLastPInvokeError()));
        }
    }

    /// <summary>Waits for events; returns how many were written into <paramref name="events"/> (0 after a signal).</summary>
    public static int Wait(int epoll, byte[] events)
    {
        int n = epoll_wait(epoll, ref events[0], events.Length / EventSize, -1);
        return n >= 0 ? n : Marshal.GetLastPInvokeError() == EINTR ? 0 : throw new SocketException(Marshal.GetLastPInvokeError());
    }

    public static (uint Events, long Data) ReadEvent(byte[] events, int index)
    {
        ReadOnlySpan<byte> ev = events.AsSpan(index * EventSize, EventSize);
        return (MemoryMarshal.Read<uint>(ev), MemoryMarshal.Read<long>(ev[DataOffset..]));
    }

    public static Outcome Receive(SafeSocketHandle socket, Span<byte> buffer, out int count) =>
        Transfer(socket, buffer, send: false, out count);

    public static Outcome Send(SafeSocketHandle socket, ReadOnlySpan<byte> buffer, out int count) =>
        Transfer(socket, MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(buffer), buffer.Length), send: true, out count);

    private static Outcome Transfer(SafeSocketHandle socket, Span<byte> buffer, bool send, out int count)
    {
        bool added = false;
        try
        {
            // Held for the call, so a concurrent close cannot hand the number to another socket meanwhile.
            socket.DangerousAddRef(ref added);
            int fd = (int)socket.DangerousGetHandle();
            while (true)
            {
                nint n = send
                    ? LinuxCalls.send(fd, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length, MsgDontWait | MsgNoSignal)
                    : recv(fd, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length, MsgDontWait);
                if (n >= 0)
                {
                    count = (int)n;
                    return Outcome.Done;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == EAGAIN)
                {
                    count = 0;
                    return Outcome.WouldBlock;
                }

                if (errno != EINTR)
                {
                    throw new SocketException(ToSocketError(errno));
                }
            }
        }
        catch (ObjectDisposedException)
        {
            throw new SocketException((int)SocketError.OperationAborted);
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    // The errors a connection meets, as .NET's own sockets report them.
    private static int ToSocketError(int errno) => (int)(errno switch
    {
        104 => SocketError.ConnectionReset,
        32 => SocketError.Shutdown,
        110 => SocketError.TimedOut,
        103 => SocketError.ConnectionAborted,
        107 => SocketError.NotConnected,
        9 => SocketError.OperationAborted,
        113 => SocketError.HostUnreachable,
        101 => SocketError.NetworkUnreachable,
        12 or 105 => SocketError.NoBufferSpaceAvailable,
        _ => SocketError.SocketError,
    });

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, ref byte ev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, ref byte events, int maxEvents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, ref byte buffer, nuint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, ref byte buffer, nuint length, int flags);
}

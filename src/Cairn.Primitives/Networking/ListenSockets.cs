using System.Net;
using System.Net.Sockets;

namespace Cairn.Primitives.Networking;

/// <summary>Listening sockets that behave as Redis's: a second process binding a port in use gets EADDRINUSE.</summary>
public static class ListenSockets
{
    private const int SolSocket = 1; // Linux SOL_SOCKET
    private const int SoReuseAddress = 2; // Linux SO_REUSEADDR

    /// <summary>
    /// Creates a TCP socket bound to <paramref name="endPoint"/> and listening. It may bind over connections in TIME_WAIT
    /// (SO_REUSEADDR, as Redis sets), but never shares the port with another live listener: on Unix, .NET's
    /// <see cref="SocketOptionName.ReuseAddress"/> also sets SO_REUSEPORT, which let two nodes listen on one port and
    /// split its clients between them, so the option is set directly.
    /// </summary>
    public static Socket Listen(IPEndPoint endPoint, int backlog)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (OperatingSystem.IsLinux())
            {
                listener.SetRawSocketOption(SolSocket, SoReuseAddress, BitConverter.GetBytes(1));
            }
            listener.Bind(endPoint);
            listener.Listen(backlog);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }
}

using Cairn.Cluster.Transport;
using Cairn.Primitives;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Server.Tests.Cluster;

public sealed class PeerTransportTests
{
    [Fact]
    public void FramesRoundTripABatchAndRejectCorruption()
    {
        byte[][] messages = ["one"u8.ToArray(), [], new byte[300]];
        byte[] frame = FrameCodec.Encode(messages);
        Assert.True(FrameCodec.TryReadHeader(frame, out int length, out uint crc));
        Assert.Equal(frame.Length - FrameCodec.HeaderBytes, length);
        var decoded = new List<byte[]>();
        Assert.True(FrameCodec.TryDecodePayload(frame.AsSpan(FrameCodec.HeaderBytes), crc, decoded));
        Assert.Equal(messages, decoded);
        frame[^1] ^= 1;
        Assert.False(FrameCodec.TryDecodePayload(frame.AsSpan(FrameCodec.HeaderBytes), crc, []));
        Assert.False(FrameCodec.TryReadHeader([0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0], out _, out _));
    }

    [Fact]
    public void HandshakeProofsDependOnRoleNoncesIdsAndSecret()
    {
        byte[] secret = "s"u8.ToArray();
        byte[] n1 = PeerHandshake.NewNonce();
        byte[] n2 = PeerHandshake.NewNonce();
        byte[] listener = PeerHandshake.Proof(secret, "listener", n1, n2, "a", "b");
        Assert.True(PeerHandshake.Verify(listener, PeerHandshake.Proof(secret, "listener", n1, n2, "a", "b")));
        Assert.False(PeerHandshake.Verify(listener, PeerHandshake.Proof(secret, "dialer", n1, n2, "a", "b")));
        Assert.False(PeerHandshake.Verify(listener, PeerHandshake.Proof(secret, "listener", n2, n1, "a", "b")));
        Assert.False(PeerHandshake.Verify(listener, PeerHandshake.Proof(secret, "listener", n1, n2, "ab", "")));
        Assert.False(PeerHandshake.Verify(listener, PeerHandshake.Proof("t"u8.ToArray(), "listener", n1, n2, "a", "b")));
    }

    [Fact]
    public async Task MessagesArriveInOrderBatchedAndOnlyBetweenHoldersOfTheSecret()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<(string From, byte[] Message)>();
        await using var server = new TcpPeerTransport("server", "secret"u8.ToArray(), "127.0.0.1", 0, (from, m) => received.Enqueue((from, m)), NullLogger.Instance);
        await using var client = new TcpPeerTransport("client", "secret"u8.ToArray(), "127.0.0.1", 0, (_, _) => { }, NullLogger.Instance);
        await using var intruder = new TcpPeerTransport("intruder", "guess"u8.ToArray(), "127.0.0.1", 0, (_, _) => { }, NullLogger.Instance);
        string address = $"127.0.0.1:{server.Port}";
        for (int i = 0; i < 1000; i++)
        {
            client.Send(address, BitConverter.GetBytes(i));
            intruder.Send(address, BitConverter.GetBytes(-1));
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (received.Count < 1000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await Task.Delay(200);
        Assert.Equal(Enumerable.Range(0, 1000), received.Select(r => BitConverter.ToInt32(r.Message)));
        Assert.All(received, r => Assert.Equal("client", r.From));
        Assert.True(client.FramesSent < 1000, $"batched: {client.FramesSent} frames for 1000 messages");
        Assert.Equal(0, intruder.MessagesSent);
        Assert.Null(await intruder.IdentifyAsync(address, CancellationToken.None));
        Assert.Equal("server", await client.IdentifyAsync(address, CancellationToken.None));
    }

    [Fact]
    public async Task ConnectionsPastTheHandshakeBoundAreClosedAndAPeerStillGetsThroughOnceTheyGo()
    {
        // At most 64 listener-side handshakes at once (TcpPeerTransport.MaxConcurrentHandshakes): idle connections past
        // that are closed at once; the ones within it wait (5 s) without holding a thread, so the peer's own work goes on.
        var received = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        await using var server = new TcpPeerTransport("server", "secret"u8.ToArray(), "127.0.0.1", 0, (_, m) => received.Enqueue(m), NullLogger.Instance);
        var idle = new List<System.Net.Sockets.Socket>();
        try
        {
            for (int i = 0; i < 68; i++)
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync("127.0.0.1", server.Port);
                idle.Add(socket);
            }
            int closed = 0;
            var deadline = DateTime.UtcNow.AddSeconds(3);
            foreach (System.Net.Sockets.Socket socket in idle)
            {
                socket.ReceiveTimeout = Math.Max(1, (int)(deadline - DateTime.UtcNow).TotalMilliseconds);
                try
                {
                    if (socket.Receive(new byte[1]) == 0)
                    {
                        closed++;
                    }
                }
                catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.TimedOut)
                {
                    // still in its handshake: the listener is waiting for it to speak
                }
                catch (System.Net.Sockets.SocketException)
                {
                    closed++; // reset
                }
            }
            Assert.Equal(4, closed);
        }
        finally
        {
            foreach (System.Net.Sockets.Socket socket in idle)
            {
                socket.Dispose();
            }
        }
        await using var client = new TcpPeerTransport("client", "secret"u8.ToArray(), "127.0.0.1", 0, (_, _) => { }, NullLogger.Instance);
        client.Send($"127.0.0.1:{server.Port}", [42]);
        var until = DateTime.UtcNow.AddSeconds(10);
        while (received.IsEmpty && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }
        Assert.Equal([42], Assert.Single(received));
    }

    [Fact]
    public async Task LargeAndSmallMessagesInterleavedArriveWholeAndInOrder()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        await using var server = new TcpPeerTransport("server", "secret"u8.ToArray(), "127.0.0.1", 0, NullLogger.Instance, (_, messages) =>
        {
            foreach (byte[] message in messages)
            {
                received.Enqueue(message);
            }
        });
        await using var client = new TcpPeerTransport("client", "secret"u8.ToArray(), "127.0.0.1", 0, (_, _) => { }, NullLogger.Instance);
        string address = $"127.0.0.1:{server.Port}";
        var sent = new List<byte[]>();
        var random = new Random(7);
        for (int round = 0; round < 20; round++)
        {
            for (int i = 0; i < 10; i++)
            {
                // Frames larger than the reader's 64 KiB buffer, and many small ones sharing a read.
                var message = new byte[i == 0 ? 200_000 + round : random.Next(0, 64)];
                random.NextBytes(message);
                sent.Add(message);
                client.Queue(address, message);
            }
            client.Flush();
            await Task.Delay(round % 3);
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (received.Count < sent.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.Equal(sent.Count, received.Count);
        Assert.True(sent.Zip(received).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second)));
        Assert.Equal(0, client.MessagesDropped);
    }

    [Fact]
    public async Task InboundLinksGivenAnEventLoopAreReadOnItsThreadInOrderAndStillRefuseAWrongSecret()
    {
        if (!Cairn.Server.Networking.Epoll.EpollNative.IsSupported)
        {
            return; // no epoll loops on this platform: links stay on .NET's engine (the tests above)
        }
        using var loop = new Cairn.Server.Networking.Epoll.EpollLoop("peer-loop-test", NullLogger.Instance);
        var received = new System.Collections.Concurrent.ConcurrentQueue<(string From, byte[] Message, string? Thread)>();
        await using var server = new TcpPeerTransport("server", "secret"u8.ToArray(), "127.0.0.1", 0, NullLogger.Instance, (from, messages) =>
        {
            foreach (byte[] message in messages)
            {
                received.Enqueue((from, message, Thread.CurrentThread.Name));
            }
        }, new Cairn.Server.Networking.Epoll.EpollLoopHost(loop));
        await using var client = new TcpPeerTransport("client", "secret"u8.ToArray(), "127.0.0.1", 0, (_, _) => { }, NullLogger.Instance);
        await using var intruder = new TcpPeerTransport("intruder", "guess"u8.ToArray(), "127.0.0.1", 0, (_, _) => { }, NullLogger.Instance);
        string address = $"127.0.0.1:{server.Port}";
        var random = new Random(11);
        var sent = new List<byte[]>();
        for (int i = 0; i < 2000; i++)
        {
            // Mostly small messages, some larger than the reader's 64 KiB buffer.
            var message = new byte[i % 500 == 7 ? 100_000 : random.Next(4, 200)];
            random.NextBytes(message);
            BitConverter.TryWriteBytes(message, i);
            sent.Add(message);
            client.Send(address, message);
            intruder.Send(address, BitConverter.GetBytes(-1));
            if (i % 100 == 0)
            {
                await Task.Delay(1);
            }
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (received.Count < sent.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await Task.Delay(100);
        Assert.Equal(sent.Count, received.Count);
        Assert.True(sent.Zip(received).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second.Message)));
        Assert.All(received, r => Assert.Equal("client", r.From));
        // The first read may complete on the thread that ran the handshake; every read that waited completes on the loop.
        Assert.True(received.Count(r => r.Thread == "peer-loop-test") > sent.Count / 2,
            $"{received.Count(r => r.Thread == "peer-loop-test")} of {sent.Count} messages delivered on the loop thread");
        Assert.Equal(0, intruder.MessagesSent);
        Assert.Equal("server", await client.IdentifyAsync(address, CancellationToken.None));
    }

    [Fact]
    public async Task DisposingATransportWhoseLinksAreOnAnEventLoopEndsThemAndTheDialerReconnectsToANewListener()
    {
        if (!Cairn.Server.Networking.Epoll.EpollNative.IsSupported)
        {
            return;
        }
        using var loop = new Cairn.Server.Networking.Epoll.EpollLoop("peer-loop-test", NullLogger.Instance);
        var received = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        var server = new TcpPeerTransport("server", "secret"u8.ToArray(), "127.0.0.1", 0, NullLogger.Instance, (_, messages) =>
        {
            foreach (byte[] message in messages)
            {
                received.Enqueue(message);
            }
        }, new Cairn.Server.Networking.Epoll.EpollLoopHost(loop));
        int port = server.Port;
        await using var client = new TcpPeerTransport("client", "secret"u8.ToArray(), "127.0.0.1", 0, (_, _) => { }, NullLogger.Instance);
        string address = $"127.0.0.1:{port}";
        client.Send(address, [1]);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (received.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.Single(received);
        await server.DisposeAsync(); // disposes the link's reader: its waiting read fails and the link closes its socket
        var again = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        await using var restarted = new TcpPeerTransport("server", "secret"u8.ToArray(), "127.0.0.1", port, NullLogger.Instance, (_, messages) =>
        {
            foreach (byte[] message in messages)
            {
                again.Enqueue(message);
            }
        }, new Cairn.Server.Networking.Epoll.EpollLoopHost(loop));
        // The dialer finds its link broken (a send fails or is dropped), backs off and reconnects to the new listener.
        deadline = DateTime.UtcNow.AddSeconds(15);
        while (again.IsEmpty && DateTime.UtcNow < deadline)
        {
            client.Send(address, [2]);
            await Task.Delay(50);
        }
        Assert.NotEmpty(again);
        Assert.All(again, m => Assert.Equal(2, m[0]));
    }
}

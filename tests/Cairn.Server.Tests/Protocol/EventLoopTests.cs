using System.Net.Sockets;
using System.Text;
using Cairn.Commands.Config;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Protocol;

/// <summary>
/// The client event loops: Cairn's own epoll loops (the default on Linux) and .NET's socket engine (event-loop sockets)
/// must behave the same for large replies that fill the socket buffer, deep pipelines, many clients spread over the loops,
/// and a blocked client whose connection is watched for close while it waits.
/// </summary>
public sealed class EventLoopTests
{
    public static TheoryData<string, int> Loops => new() { { "epoll", 1 }, { "epoll", 3 }, { "sockets", 1 } };

    private static TestServer Start(string loop, int threads) => new(c =>
    {
        c.EventLoop = loop;
        c.IoThreads = threads;
    });

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task A_reply_larger_than_the_socket_buffer_arrives_whole_to_a_slow_reader(string loop, int threads)
    {
        await using TestServer server = Start(loop, threads);
        using var client = new RawClient(server.Port);
        string value = new('v', 8 * 1024 * 1024);
        Assert.Equal("+OK", client.Execute("SET", "big", value));
        // Three copies queued before the client reads anything: the server's sends hit EAGAIN and wait for the socket to drain.
        client.SendCommand("GET", "big");
        client.SendCommand("GET", "big");
        client.SendCommand("STRLEN", "big");
        await Task.Delay(200);
        Assert.Equal(value, client.ReadReply());
        Assert.Equal(value, client.ReadReply());
        Assert.Equal(":8388608", client.ReadReply());
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task Ten_thousand_pipelined_commands_are_answered_in_order(string loop, int threads)
    {
        await using TestServer server = Start(loop, threads);
        using var client = new RawClient(server.Port);
        var requests = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            requests.Append("*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n");
        }
        client.Send(requests.ToString());
        for (int i = 1; i <= 10_000; i++)
        {
            Assert.Equal(":" + i, client.ReadReply());
        }
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task Many_clients_spread_over_the_loops_see_every_increment(string loop, int threads)
    {
        await using TestServer server = Start(loop, threads);
        const int clients = 40;
        const int increments = 250;
        // Dedicated threads: the clients' blocking reads must not starve the thread pool the server also uses.
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Factory.StartNew(() =>
        {
            using var client = new RawClient(server.Port);
            for (int i = 0; i < increments; i++)
            {
                Assert.StartsWith(":", client.Execute("INCR", "shared"));
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
        using var check = new RawClient(server.Port);
        Assert.Equal((clients * increments).ToString(System.Globalization.CultureInfo.InvariantCulture), check.Execute("GET", "shared"));
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task Clients_in_different_databases_whose_requests_arrive_together_each_get_their_own_keys(string loop, int threads)
    {
        // Requests released together reach a loop in one wake-up: it receives for all of them, prefetches their keys
        // (grouped by database) and only then runs each; every client must still see exactly its own data.
        await using TestServer server = Start(loop, threads);
        const int clients = 32;
        var connections = Enumerable.Range(0, clients).Select(_ => new RawClient(server.Port)).ToArray();
        try
        {
            // Client c writes key k(c / 4) in database c % 4: every client has its own key, four clients per database.
            for (int c = 0; c < clients; c++)
            {
                Assert.Equal("+OK", connections[c].Execute("SELECT", (c % 4).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
            for (int round = 0; round < 50; round++)
            {
                for (int c = 0; c < clients; c++)
                {
                    connections[c].SendCommand("SET", "k" + (c / 4), $"v{c}-{round}");
                }
                for (int c = 0; c < clients; c++)
                {
                    Assert.Equal("+OK", connections[c].ReadReply());
                }
                for (int c = 0; c < clients; c++)
                {
                    connections[c].SendCommand("GET", "k" + (c / 4));
                }
                for (int c = 0; c < clients; c++)
                {
                    Assert.Equal($"v{c}-{round}", connections[c].ReadReply());
                }
            }
        }
        finally
        {
            foreach (RawClient connection in connections)
            {
                connection.Dispose();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task A_client_killed_by_another_request_in_the_same_wake_up_is_closed_and_the_rest_carry_on(string loop, int threads)
    {
        await using TestServer server = Start(loop, threads);
        for (int round = 0; round < 20; round++)
        {
            using var killer = new RawClient(server.Port);
            using var victim = new RawClient(server.Port);
            string victimId = victim.Execute("CLIENT", "ID")[1..];
            // Both requests are in flight together: the victim's may be received ahead before the kill runs.
            victim.SendCommand("SET", "victim", "x");
            killer.SendCommand("CLIENT", "KILL", "ID", victimId);
            Assert.Equal(":1", killer.ReadReply());
            Assert.Equal("+PONG", killer.Execute("PING"));
            Assert.True(victim.IsClosedByServer());
        }
        using var check = new RawClient(server.Port);
        Assert.Equal("+PONG", check.Execute("PING"));
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task A_blocked_client_runs_the_commands_it_pipelined_behind_its_BLPOP_once_served(string loop, int threads)
    {
        await using TestServer server = Start(loop, threads);
        using var blocked = new RawClient(server.Port);
        blocked.Send("*3\r\n$5\r\nBLPOP\r\n$5\r\nqueue\r\n$1\r\n0\r\n*2\r\n$4\r\nECHO\r\n$5\r\nafter\r\n");
        Assert.False(blocked.HasDataWithin(200));
        using var pusher = new RawClient(server.Port);
        Assert.Equal(":1", pusher.Execute("RPUSH", "queue", "job"));
        Assert.Equal("[queue, job]", blocked.ReadReply());
        Assert.Equal("after", blocked.ReadReply());
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task The_replies_pipelined_before_a_BLPOP_arrive_while_it_waits(string loop, int threads)
    {
        // The epoll loop sends a batch's replies at the end of its turn: a batch that ends in a block must still send them.
        await using TestServer server = Start(loop, threads);
        using var blocked = new RawClient(server.Port);
        blocked.Send("*3\r\n$3\r\nSET\r\n$6\r\nbefore\r\n$1\r\n1\r\n*2\r\n$4\r\nECHO\r\n$3\r\ntwo\r\n*3\r\n$5\r\nBLPOP\r\n$5\r\nqueue\r\n$1\r\n0\r\n");
        Assert.Equal("+OK", blocked.ReadReply());
        Assert.Equal("two", blocked.ReadReply());
        Assert.False(blocked.HasDataWithin(200));
        using var pusher = new RawClient(server.Port);
        Assert.Equal(":1", pusher.Execute("RPUSH", "queue", "job"));
        Assert.Equal("[queue, job]", blocked.ReadReply());
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task Clients_whose_requests_arrive_in_one_wake_up_each_get_their_reply_and_QUIT_still_answers(string loop, int threads)
    {
        await using TestServer server = Start(loop, threads);
        var clients = Enumerable.Range(0, 40).Select(_ => new RawClient(server.Port)).ToList();
        try
        {
            for (int round = 0; round < 20; round++)
            {
                for (int i = 0; i < clients.Count; i++)
                {
                    clients[i].SendCommand("INCRBY", "c" + i, "2"); // all sent before any reply is read
                }
                for (int i = 0; i < clients.Count; i++)
                {
                    Assert.Equal(":" + (2 * (round + 1)), clients[i].ReadReply());
                }
            }
            clients[0].Send("*2\r\n$4\r\nECHO\r\n$4\r\nlast\r\n*1\r\n$4\r\nQUIT\r\n");
            Assert.Equal("last", clients[0].ReadReply());
            Assert.Equal("+OK", clients[0].ReadReply());
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task Commands_a_blocked_client_sends_while_it_waits_run_once_it_is_served(string loop, int threads)
    {
        await using TestServer server = Start(loop, threads);
        using var blocked = new RawClient(server.Port);
        blocked.SendCommand("BLPOP", "later", "0");
        Assert.False(blocked.HasDataWithin(100));
        blocked.SendCommand("ECHO", "one");
        blocked.SendCommand("INCR", "after-block");
        Assert.False(blocked.HasDataWithin(200)); // still blocked: the new commands wait behind the BLPOP
        using var pusher = new RawClient(server.Port);
        Assert.Equal(":1", pusher.Execute("RPUSH", "later", "job"));
        Assert.Equal("[later, job]", blocked.ReadReply());
        Assert.Equal("one", blocked.ReadReply());
        Assert.Equal(":1", blocked.ReadReply());
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task A_client_that_half_closes_after_its_requests_still_gets_every_reply(string loop, int threads)
    {
        await using TestServer server = Start(loop, threads);
        using var tcp = new TcpClient();
        tcp.Connect("127.0.0.1", server.Port);
        var requests = new StringBuilder();
        for (int i = 0; i < 2_000; i++)
        {
            requests.Append("*3\r\n$6\r\nINCRBY\r\n$4\r\nhalf\r\n$1\r\n1\r\n");
        }
        requests.Append("*2\r\n$3\r\nGET\r\n$4\r\nhalf\r\n");
        NetworkStream stream = tcp.GetStream();
        stream.Write(Encoding.ASCII.GetBytes(requests.ToString()));
        tcp.Client.Shutdown(SocketShutdown.Send); // as `redis-cli < file` and `nc -q` do
        using var reader = new StreamReader(stream, Encoding.ASCII);
        string replies = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        string[] lines = replies.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2_002, lines.Length);
        Assert.Equal(":2000", lines[1_999]);
        Assert.Equal("2000", lines[^1]);
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task A_value_larger_than_the_receive_buffer_that_arrives_in_pieces_is_stored_whole(string loop, int threads)
    {
        await using TestServer server = Start(loop, threads);
        using var client = new RawClient(server.Port);
        byte[] value = new byte[3 * 1024 * 1024 + 7];
        new Random(7).NextBytes(value);
        byte[] header = Encoding.ASCII.GetBytes($"*3\r\n$3\r\nSET\r\n$5\r\npiece\r\n${value.Length}\r\n");
        client.Send(header);
        for (int offset = 0; offset < value.Length; offset += 700_000)
        {
            client.Send(value.AsSpan(offset, Math.Min(700_000, value.Length - offset)).ToArray());
            await Task.Delay(20);
        }
        client.Send(Encoding.ASCII.GetBytes("\r\n*2\r\n$6\r\nSTRLEN\r\n$5\r\npiece\r\n"));
        Assert.Equal("+OK", client.ReadReply());
        Assert.Equal(":" + value.Length, client.ReadReply());
        using var check = new TcpClient();
        check.Connect("127.0.0.1", server.Port);
        check.GetStream().Write("*2\r\n$3\r\nGET\r\n$5\r\npiece\r\n"u8);
        byte[] expectedHeader = Encoding.ASCII.GetBytes($"${value.Length}\r\n");
        byte[] reply = new byte[expectedHeader.Length + value.Length + 2];
        await check.GetStream().ReadExactlyAsync(reply).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(expectedHeader, reply[..expectedHeader.Length]);
        Assert.True(value.AsSpan().SequenceEqual(reply.AsSpan(expectedHeader.Length, value.Length)));
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task A_client_whose_unparsed_input_passes_the_query_buffer_limit_is_closed_and_others_carry_on(string loop, int threads)
    {
        await using TestServer server = Start(loop, threads);
        using var admin = new RawClient(server.Port);
        Assert.Equal("+OK", admin.Execute("CONFIG", "SET", "client-query-buffer-limit", "1mb"));
        using var greedy = new RawClient(server.Port);
        greedy.Send(Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$4\r\nhuge\r\n$4000000\r\n"));
        byte[] piece = new byte[256 * 1024];
        try
        {
            for (int i = 0; i < 8; i++) // 2 MB of a 4 MB argument: never a complete request
            {
                greedy.Send(piece);
            }
        }
        catch (IOException)
        {
            // closed while sending: what the test expects
        }
        Assert.True(greedy.IsClosedByServer());
        Assert.Equal("+PONG", admin.Execute("PING"));
        Assert.Equal("(nil)", admin.Execute("GET", "huge"));
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task A_blocked_client_that_disconnects_stops_waiting_and_pops_nothing(string loop, int threads)
    {
        await using TestServer server = Start(loop, threads);
        using (var blocked = new RawClient(server.Port))
        {
            blocked.SendCommand("BLPOP", "gone", "0");
            Assert.False(blocked.HasDataWithin(200));
        }
        using var other = new RawClient(server.Port);
        for (int i = 0; i < 100 && other.Execute("CLIENT", "LIST").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 1; i++)
        {
            await Task.Delay(20);
        }
        Assert.Equal(":1", other.Execute("RPUSH", "gone", "kept"));
        Assert.Equal("[kept]", other.Execute("LRANGE", "gone", "0", "-1"));
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task A_client_that_resets_its_connection_leaves_the_others_working(string loop, int threads)
    {
        await using TestServer server = Start(loop, threads);
        using (var rude = new TcpClient())
        {
            rude.Connect("127.0.0.1", server.Port);
            rude.LingerState = new LingerOption(true, 0); // close sends RST
            rude.GetStream().Write("*2\r\n$3\r\nGET\r\n$1\r\nx\r\n*1\r\n$4\r\nPING\r\n"u8);
        }
        using var client = new RawClient(server.Port);
        Assert.Equal("+PONG", client.Execute("PING"));
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task A_client_that_resets_while_its_large_replies_wait_for_room_is_dropped_and_the_others_carry_on(string loop, int threads)
    {
        // The pending send fails with ECONNRESET or EPIPE: the error must be read as such (errno is read by hand after
        // the send, EpollNative) and close the connection, not be taken for EAGAIN or EINTR and retried for ever.
        await using TestServer server = Start(loop, threads);
        using var admin = new RawClient(server.Port);
        Assert.Equal("+OK", admin.Execute("SET", "big", new string('v', 8 * 1024 * 1024)));
        using (var rude = new TcpClient())
        {
            rude.Connect("127.0.0.1", server.Port);
            rude.LingerState = new LingerOption(true, 0); // close sends RST
            rude.GetStream().Write(Encoding.ASCII.GetBytes(RawClient.Encode("GET", "big") + RawClient.Encode("GET", "big")));
            await Task.Delay(200); // never read: the server's socket buffer fills and the rest waits for room
        }
        int clients = int.MaxValue;
        for (int i = 0; i < 250 && clients > 1; i++)
        {
            clients = admin.Execute("CLIENT", "LIST").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            if (clients > 1)
            {
                await Task.Delay(20);
            }
        }
        Assert.Equal(1, clients);
        Assert.Equal("+PONG", admin.Execute("PING"));
        Assert.Equal(":8388608", admin.Execute("STRLEN", "big"));
    }

    [Fact]
    public async Task The_event_loop_settings_are_reported_and_fixed_at_start()
    {
        await using TestServer server = Start("epoll", 2);
        using var client = new RawClient(server.Port);
        Assert.Equal("[io-threads, 2]", client.Execute("CONFIG", "GET", "io-threads"));
        Assert.Equal("[event-loop, epoll]", client.Execute("CONFIG", "GET", "event-loop"));
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'event-loop') - can't set immutable config",
            client.Execute("CONFIG", "SET", "event-loop", "sockets"));
    }

    [Theory]
    [InlineData(1, false, 1)]
    [InlineData(2, false, 1)] // one core left to the kernel's network work, the AOF and the GC (and a local client)
    [InlineData(4, false, 3)]
    [InlineData(64, false, 8)]
    [InlineData(1, true, 1)]
    [InlineData(2, true, 2)] // a cluster node keeps a loop for its peers
    [InlineData(64, true, 8)]
    public void Io_threads_default_to_one_loop_fewer_than_the_cores_on_a_standalone_node(
        int processorCount, bool clusterEnabled, int expected)
    {
        Assert.Equal(expected, ServerConfig.DefaultIoThreads(processorCount, clusterEnabled));
    }

    [Fact]
    public void An_io_threads_setting_wins_over_the_default_and_the_default_follows_cluster_mode()
    {
        var config = new ServerConfig();
        Assert.Equal(ServerConfig.DefaultIoThreads(Environment.ProcessorCount, clusterEnabled: false), config.IoThreads);
        config.ClusterEnabled = true;
        Assert.Equal(ServerConfig.DefaultIoThreads(Environment.ProcessorCount, clusterEnabled: true), config.IoThreads);
        config.IoThreads = 3;
        Assert.Equal(3, config.IoThreads);
        config.ClusterEnabled = false;
        Assert.Equal(3, config.IoThreads);
    }
}

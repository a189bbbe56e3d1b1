using Cairn.Primitives.FileSystem;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Lsm;

/// <summary>
/// Storage lsm under appendfsync always: a reply waits for the fsync of its batch, and writers arriving while an fsync is
/// in progress share the next one (group commit). The LSM's syncs are held at a gate to observe both.
/// </summary>
public sealed class LsmGroupCommitTests
{
    [Fact]
    public void Writers_waiting_on_a_held_fsync_are_answered_together_after_one_more()
    {
        var gated = new GatedFileSystem(new MemoryFileSystem());
        string dir = LsmTestServer.NewDirectory();
        using var server = new LsmTestServer(dir, c => c.AppendFsync = "always", gated);
        try
        {
            var clients = Enumerable.Range(0, 8).Select(_ => new RawClient(server.Port)).ToArray();
            Assert.All(clients, c => Assert.Equal("+PONG", c.Execute("PING")));
            long before = server.Keyspace.Fsyncs;

            gated.Close();
            for (int i = 0; i < clients.Length; i++)
            {
                clients[i].SendCommand("SET", $"group:{i}", $"v{i}");
            }
            Assert.All(clients, c => Assert.False(c.HasDataWithin(100), "SET acknowledged before its batch was fsynced"));
            gated.Open();
            Assert.All(clients, c => Assert.Equal("+OK", c.ReadReply()));

            // The first round was held at the gate; every batch written meanwhile joined the round after it.
            Assert.InRange(server.Keyspace.Fsyncs - before, 1, 2);
            using RawClient reader = server.Raw();
            Assert.Equal("v7", reader.Execute("GET", "group:7"));
            foreach (RawClient client in clients)
            {
                client.Dispose();
            }
        }
        finally
        {
            server.Dispose();
            LsmTestServer.DeleteData(dir);
        }
    }

    [Fact]
    public async Task A_blocked_pop_is_answered_only_after_the_push_is_fsynced()
    {
        var gated = new GatedFileSystem(new MemoryFileSystem());
        string dir = LsmTestServer.NewDirectory();
        using var server = new LsmTestServer(dir, c => c.AppendFsync = "always", gated);
        try
        {
            using RawClient popper = server.Raw();
            using RawClient pusher = server.Raw();
            Assert.Equal("+PONG", popper.Execute("PING"));

            gated.Close();
            popper.SendCommand("BLPOP", "group:list", "0");
            await Task.Delay(100); // the BLPOP is parked before the push arrives
            // Two elements, so the list outlives the pop and there is a change to make durable (a push fully popped in the
            // same batch leaves nothing to write, and nothing to wait for).
            pusher.SendCommand("LPUSH", "group:list", "x", "y");

            Assert.False(popper.HasDataWithin(300), "BLPOP answered before the LPUSH was fsynced");
            Assert.False(pusher.HasDataWithin(10), "LPUSH acknowledged before it was fsynced");
            gated.Open();
            Assert.Equal(":2", pusher.ReadReply());
            Assert.Equal("[group:list, y]", popper.ReadReply());
            Assert.Equal("[x]", pusher.Execute("LRANGE", "group:list", "0", "-1"));
        }
        finally
        {
            server.Dispose();
            LsmTestServer.DeleteData(dir);
        }
    }
}

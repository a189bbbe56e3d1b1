using Cairn.Primitives.FileSystem;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Persistence;

/// <summary>
/// Under appendfsync always no client may see the effect of a write before that write is fsynced: not the writer (its
/// reply waits), and not a client blocked on the key (a BLPOP served by the LPUSH). Syncs are held at a gate to observe it.
/// </summary>
public sealed class AlwaysFsyncOrderingTests
{
    [Fact]
    public async Task BlockedPopIsAnsweredOnlyAfterThePushIsFsynced()
    {
        var gated = new GatedFileSystem(new MemoryFileSystem());
        await using var server = new TestServer(c => { c.AppendOnly = true; c.AppendFsync = "always"; c.Dir = "/data"; }, fileSystem: gated);
        using RawClient popper = server.Raw();
        using RawClient pusher = server.Raw();
        Assert.Equal("+OK", popper.Execute("SELECT", "0"));

        gated.Close();
        popper.SendCommand("BLPOP", "ordering:list", "0");
        await Task.Delay(100); // the BLPOP is parked before the push arrives
        pusher.SendCommand("LPUSH", "ordering:list", "x");

        Assert.False(popper.HasDataWithin(300), "BLPOP answered before the LPUSH was fsynced");
        Assert.False(pusher.HasDataWithin(10), "LPUSH acknowledged before it was fsynced");
        gated.Open();
        Assert.Equal(":1", pusher.ReadReply());
        Assert.Equal("[ordering:list, x]", popper.ReadReply());
    }
}

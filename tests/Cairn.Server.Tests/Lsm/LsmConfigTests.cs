using Cairn.Commands.Config;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Lsm;

/// <summary>The storage option: fixed at start, exclusive with the AOF, reported in INFO persistence.</summary>
public sealed class LsmConfigTests
{
    [Fact]
    public void StorageDefaultsToMemoryAndRejectsUnknownValues()
    {
        var config = new ServerConfig();
        Assert.Equal("memory", config.Storage);
        Assert.Empty(config.LoadArguments(["--storage", "LSM"]));
        Assert.Equal("lsm", config.Storage);
        Assert.NotEmpty(config.LoadArguments(["--storage", "disk"]));
    }

    [Fact]
    public void AppendOnlyWithStorageLsmIsAConfigurationError()
    {
        var config = new ServerConfig();
        Assert.Empty(config.LoadArguments(["--appendonly", "yes", "--storage", "lsm"]));
        Assert.Equal([ServerConfig.StorageConflict], config.CheckCombination());
        var other = new ServerConfig();
        Assert.Single(other.LoadArguments(["--storage", "lsm", "--appendonly", "yes"]));
    }

    [Fact]
    public void TheHostRefusesToStartWithAppendOnlyAndStorageLsm()
    {
        string dir = LsmTestServer.NewDirectory();
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => new NodeProcess(dir, "--storage", "lsm", "--appendonly", "yes"));
            Assert.Contains("conflicts with storage lsm", error.Message);
        }
        finally
        {
            LsmTestServer.DeleteData(dir);
        }
    }

    [Fact]
    public void StorageCannotChangeAtRuntimeAndSnapshotsAndAofAreRefused()
    {
        string dir = LsmTestServer.NewDirectory();
        try
        {
            using var server = new LsmTestServer(dir);
            using RawClient client = server.Raw();
            Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'storage') - can't set immutable config",
                client.Execute("CONFIG", "SET", "storage", "memory"));
            Assert.Contains("conflicts with storage lsm", client.Execute("CONFIG", "SET", "appendonly", "yes"));
            Assert.Equal("[storage, lsm]", client.Execute("CONFIG", "GET", "storage"));
            Assert.StartsWith("-ERR snapshots are not used with storage lsm", client.Execute("SAVE"));
            Assert.StartsWith("-ERR snapshots are not used with storage lsm", client.Execute("BGSAVE"));
            string info = server.Multiplexer.GetServer($"127.0.0.1:{server.Port}").InfoRaw("persistence") ?? "";
            Assert.Contains("storage:lsm", info);
            Assert.Contains("aof_enabled:0", info);
            Assert.Contains("lsm_fsync_policy:everysec", info);
        }
        finally
        {
            LsmTestServer.DeleteData(dir);
        }
    }
}

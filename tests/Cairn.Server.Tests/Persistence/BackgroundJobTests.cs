using System.Text;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Persistence;
using Cairn.Primitives.FileSystem;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Persistence;

/// <summary>
/// BGSAVE and BGREWRITEAOF are both background snapshot jobs, and a store has one set of write hooks: they must never run
/// at once (the second used to take the hooks from the first, whose file then held writes made after its instant). As
/// in Redis, BGSAVE during a rewrite is refused unless SCHEDULE'd, BGREWRITEAOF during a BGSAVE is scheduled, and the
/// cron starts what was scheduled when the running job ends. SAVE runs as a foreground job beside a rewrite, and SHUTDOWN
/// SAVE abandons a running BGSAVE instead of waiting for it under the lock its walk needs.
/// </summary>
public sealed class BackgroundJobTests
{
    /// <summary>Enough keys (and two large values) that a background job runs for a good while after the command that
    /// starts it; the commands after it arrive within a millisecond.</summary>
    private const int Keys = 200_000;

    private const string OtherJob = "-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.";

    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "cairn-jobs-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task BgsaveDuringARewriteIsRefusedOrScheduledAndRunsWhenTheRewriteEnds()
    {
        string dir = NewDirectory();
        try
        {
            await using var server = new TestServer(c => { c.AppendOnly = true; c.Save = ""; }, dir);
            Fill(server);
            using RawClient client = server.Raw();
            Assert.Equal("+Background append only file rewriting started", client.Execute("BGREWRITEAOF"));
            Assert.Equal(OtherJob, client.Execute("BGSAVE"));
            Assert.Equal("-ERR syntax error", client.Execute("BGSAVE", "LATER"));
            Assert.Equal("+Background saving scheduled", client.Execute("BGSAVE", "SCHEDULE"));
            Assert.Equal("-ERR Background append only file rewriting already in progress", client.Execute("BGREWRITEAOF"));
            await WaitFor(() => File.Exists(server.Context.Snapshots.Path) && Idle(client));
            Assert.Contains("aof_last_bgrewrite_status:ok", client.Execute("INFO", "persistence"), StringComparison.Ordinal);
            Assert.Contains("rdb_last_bgsave_status:ok", client.Execute("INFO", "persistence"), StringComparison.Ordinal);
            Assert.Equal(Keys + 2, Load(server.Context.Snapshots.Path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task BgrewriteaofDuringABgsaveIsScheduledAndRunsWhenTheSaveEnds()
    {
        string dir = NewDirectory();
        try
        {
            await using (var server = new TestServer(c => { c.AppendOnly = true; c.Save = ""; }, dir))
            {
                Fill(server);
                using RawClient client = server.Raw();
                Assert.Equal("+Background saving started", client.Execute("BGSAVE"));
                Assert.Equal("-ERR Background save already in progress", client.Execute("BGSAVE", "SCHEDULE"));
                Assert.Equal("+Background append only file rewriting scheduled", client.Execute("BGREWRITEAOF"));
                string info = client.Execute("INFO", "persistence");
                Assert.Contains("aof_rewrite_scheduled:1", info, StringComparison.Ordinal);
                Assert.Contains("aof_rewrite_in_progress:0", info, StringComparison.Ordinal);
                for (int i = 0; i < 300; i++)
                {
                    client.Execute("INCR", $"counter{i % 30}"); // during both jobs: logged once, counted once
                }
                await WaitFor(() => BaseFiles(dir).Length > 0 && Idle(client));
                Assert.Contains("aof_last_bgrewrite_status:ok", client.Execute("INFO", "persistence"), StringComparison.Ordinal);
                Assert.Equal(Keys + 2, Load(server.Context.Snapshots.Path)); // the save began before the counters existed
            }
            await AssertRestartCountsEachIncrOnce(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// SAVE during a rewrite writes its own file and leaves the rewrite's hooks in place, so the rewrite's base stays a
    /// point in time. Before, SAVE's job took the store's hooks and dropped them: INCRs after SAVE on keys the rewrite
    /// had not reached went into the base as well as into the new incremental file, and a restart counted them twice.
    /// </summary>
    [Fact]
    public async Task SaveDuringARewriteLeavesTheRewritesBaseAPointInTime()
    {
        string dir = NewDirectory();
        try
        {
            await using (var server = new TestServer(c => { c.AppendOnly = true; c.Save = ""; }, dir))
            {
                Fill(server);
                using RawClient client = server.Raw();
                for (int i = 0; i < 30; i++)
                {
                    client.Execute("SET", $"counter{i}", "0"); // created last: the rewrite's walk reaches them last
                }
                Assert.Equal("+Background append only file rewriting started", client.Execute("BGREWRITEAOF"));
                while (true)
                {
                    // Once the rewrite's job holds the hooks, SAVE (as the command runs it, under the lock) must leave
                    // them to it; the job cannot end meanwhile, its walk needs the lock held here.
                    using (server.Context.Store.Lock.EnterScope())
                    {
                        if (server.Context.Store[0].Tracker is { } rewrite)
                        {
                            Assert.True(server.Context.Snapshots.SaveNow());
                            Assert.Same(rewrite, server.Context.Store[0].Tracker);
                            break;
                        }
                        Assert.True(server.Aof!.RewriteInProgress, "the rewrite ended before its job could be seen");
                    }
                    Thread.Yield();
                }
                Assert.Equal("+OK", client.Execute("SAVE")); // and through the command
                for (int i = 0; i < 300; i++)
                {
                    client.Execute("INCR", $"counter{i % 30}");
                }
                await WaitFor(() => Idle(client));
                Assert.Contains("aof_last_bgrewrite_status:ok", client.Execute("INFO", "persistence"), StringComparison.Ordinal);
                Assert.Equal(Keys + 2 + 30, Load(server.Context.Snapshots.Path));
            }
            await AssertRestartCountsEachIncrOnce(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>SHUTDOWN's save (here SaveNow under the lock, as the command runs it) during a BGSAVE used to wait for
    /// the BGSAVE under the store lock, which the BGSAVE's walk needed: neither ever ended.</summary>
    [Fact]
    public async Task AForegroundSaveDuringABgsaveAbandonsItAndDoesNotWaitForIt()
    {
        await using var server = new TestServer(c => c.Save = "");
        Fill(server);
        Task<bool> save = Task.Run(() =>
        {
            using (server.Context.Store.Lock.EnterScope())
            {
                Assert.Equal(Cairn.Commands.Persistence.BackgroundStart.Started, server.Context.Snapshots.TryStartBackground());
                server.Context.Store[0].Set("written-after-the-bgsave-began"u8.ToArray(), "x"u8.ToArray(), 0, false, 0);
                return server.Context.Snapshots.SaveNow();
            }
        });
        Assert.True(await save.WaitAsync(TimeSpan.FromSeconds(60)));
        await WaitFor(() => !server.Context.Snapshots.InProgress);
        await Task.Delay(200); // the abandoned job's completion handler runs just after it ends
        using (server.Context.Store.Lock.EnterScope())
        {
            Assert.True(server.Context.Snapshots.LastSucceeded); // the abandoned job's failure does not overwrite the save's status
        }
        Assert.Equal(Keys + 3, Load(server.Context.Snapshots.Path)); // the foreground save's file, not the abandoned one's
        Assert.Empty(Directory.GetFiles(server.DataDirectory, "*.tmp-*")); // the abandoned job deleted its temporary file
    }

    /// <summary>The event loops stop polling while a background walk runs (docs/threading.md): the store says when.</summary>
    [Fact]
    public async Task TheStoreKnowsWhenABackgroundWalkRuns()
    {
        await using var server = new TestServer(c => c.Save = "");
        Fill(server);
        Assert.False(server.Context.Store.BackgroundWalkRunning);
        using (server.Context.Store.Lock.EnterScope())
        {
            Assert.Equal(Cairn.Commands.Persistence.BackgroundStart.Started, server.Context.Snapshots.TryStartBackground());
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!server.Context.Store.BackgroundWalkRunning)
            {
                Assert.True(DateTime.UtcNow < deadline, "the walk never started"); // it counts itself before it needs the lock
                Thread.Yield();
            }
        }
        await (server.Context.Snapshots.Running ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(server.Context.Store.BackgroundWalkRunning);
        using (server.Context.Store.Lock.EnterScope())
        {
            Assert.True(server.Context.Snapshots.SaveNow()); // a foreground save is no background walk
            Assert.False(server.Context.Store.BackgroundWalkRunning);
        }
    }

    private static void Fill(TestServer server)
    {
        using RawClient client = server.Raw();
        using (server.Context.Store.Lock.EnterScope())
        {
            for (int i = 0; i < Keys; i++)
            {
                server.Context.Store[0].Set(Encoding.ASCII.GetBytes($"k{i}"), Encoding.ASCII.GetBytes($"value-{i}"), 0, false, 0);
            }
        }
        var pushes = new List<string> { "RPUSH", "biglist" };
        var fields = new List<string> { "HSET", "bighash" };
        for (int i = 0; i < 20_000; i++)
        {
            pushes.Add($"element-{i}-" + new string('l', 30));
            fields.Add($"field-{i}");
            fields.Add($"value-{i}-" + new string('h', 30));
        }
        client.Execute([.. pushes]); // large values: captured by reference by a background job, in pieces by SAVE's
        client.Execute([.. fields]);
    }

    /// <summary>Restarted from the AOF: every key, and each of the 300 INCRs on counter0..29 counted once.</summary>
    private static async Task AssertRestartCountsEachIncrOnce(string dir)
    {
        await using var restarted = new TestServer(c => { c.AppendOnly = true; c.Save = ""; }, dir);
        using RawClient client = restarted.Raw();
        Assert.Equal(":" + (Keys + 2 + 30), client.Execute("DBSIZE"));
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal("10", client.Execute("GET", $"counter{i}"));
        }
    }

    private static bool Idle(RawClient client)
    {
        string info = client.Execute("INFO", "persistence");
        return info.Contains("rdb_bgsave_in_progress:0", StringComparison.Ordinal)
            && info.Contains("aof_rewrite_in_progress:0", StringComparison.Ordinal)
            && info.Contains("aof_rewrite_scheduled:0", StringComparison.Ordinal);
    }

    private static string[] BaseFiles(string dir) => Directory.GetFiles(Path.Combine(dir, "appendonlydir"), "*.base.csnp");

    private static long Load(string path)
    {
        var store = new MemoryStore(16, TimeProvider.System);
        return SnapshotReader.Load(store, new PhysicalFileSystem(), path, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the background jobs");
            await Task.Delay(20);
        }
    }
}

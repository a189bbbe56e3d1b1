using Cairn.Server.Tests.Infrastructure;
using Cairn.Server.Tests.Keys;

namespace Cairn.Server.Tests.Sort;

/// <summary>What SORT ... STORE does besides its reply: keyspace events as Redis names them, and the AOF.</summary>
public sealed class SortStoreSideEffectsTests
{
    [Fact]
    public void StorePublishesSortstoreAndAnEmptyResultPublishesDel()
    {
        using var server = new TestServer();
        using RawClient c = server.Raw();
        Assert.Equal("+OK", c.Execute("CONFIG", "SET", "notify-keyspace-events", "KEA"));
        EventRecorder events = EventRecorder.Subscribe(server, "__keyevent@*");
        c.Execute("RPUSH", "src", "2", "1");
        events.Clear();
        Assert.Equal("[1, 2]", c.Execute("SORT", "src"));
        Assert.Equal(":2", c.Execute("SORT", "src", "STORE", "dst"));
        Assert.Equal(":0", c.Execute("SORT", "missing", "STORE", "dst"));
        Assert.Equal(":0", c.Execute("SORT", "missing", "STORE", "dst"));
        Assert.Equal(["__keyevent@0__:sortstore dst", "__keyevent@0__:del dst"], events.Messages);
    }

    [Fact]
    public async Task StoredResultsSurviveARestartThroughTheAof()
    {
        string dir = Path.Combine(Path.GetTempPath(), "cairn-sort-aof-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var server = new TestServer(c => { c.AppendOnly = true; c.AppendFsync = "always"; }, dir))
            {
                using RawClient c = server.Raw();
                c.Execute("RPUSH", "ids", "3", "1", "2");
                c.Execute("MSET", "w_1", "9", "w_2", "8", "w_3", "7", "n_1", "one");
                Assert.Equal(":3", c.Execute("SORT", "ids", "BY", "w_*", "GET", "#", "STORE", "by-weight"));
                Assert.Equal(":3", c.Execute("SORT", "ids", "GET", "n_*", "STORE", "names"));
                c.Execute("RPUSH", "gone", "x");
                Assert.Equal(":0", c.Execute("SORT", "missing", "STORE", "gone"));
            }
            await using (var server = new TestServer(c => c.AppendOnly = true, dir))
            {
                using RawClient c = server.Raw();
                Assert.Equal("[3, 2, 1]", c.Execute("LRANGE", "by-weight", "0", "-1"));
                Assert.Equal("[one, , ]", c.Execute("LRANGE", "names", "0", "-1"));
                Assert.Equal(":0", c.Execute("EXISTS", "gone"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

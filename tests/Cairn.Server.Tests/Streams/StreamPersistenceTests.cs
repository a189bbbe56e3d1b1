using System.Text.RegularExpressions;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Streams;

/// <summary>Replaying the AOF, or loading a snapshot, rebuilds the same entries, metadata, groups and PELs.</summary>
public sealed partial class StreamPersistenceTests
{
    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "cairn-streams-" + Guid.NewGuid().ToString("N"));

    /// <summary>A workload touching every time- or layout-dependent path: '*' IDs, '~' trimming, reads, claims.</summary>
    private static void Workload(RawClient c)
    {
        for (int i = 0; i < 250; i++)
        {
            Assert.StartsWith("1", c.Execute("XADD", "p-auto", "MAXLEN", "~", "120", "*", "n", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        c.Execute("XADD", "p-auto", "MINID", "~", "0", "*", "last", "x");
        for (int i = 1; i <= 20; i++)
        {
            c.Execute("XADD", "p-grp", "1-" + i, "f", "v" + i);
        }
        c.Execute("XTRIM", "p-grp", "MAXLEN", "~", "5", "LIMIT", "100");
        c.Execute("XGROUP", "CREATE", "p-grp", "g1", "0");
        c.Execute("XGROUP", "CREATE", "p-grp", "g2", "$", "ENTRIESREAD", "20");
        c.Execute("XGROUP", "CREATE", "p-empty", "g", "$", "MKSTREAM");
        c.Execute("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", "p-grp", ">");
        c.Execute("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", "p-grp", ">");
        c.Execute("XREADGROUP", "GROUP", "g1", "carol", "NOACK", "COUNT", "2", "STREAMS", "p-grp", ">");
        c.Execute("XREADGROUP", "GROUP", "g1", "alice", "STREAMS", "p-grp", "0");
        c.Execute("XGROUP", "CREATECONSUMER", "p-grp", "g1", "idle");
        c.Execute("XACK", "p-grp", "g1", "1-2");
        c.Execute("XCLAIM", "p-grp", "g1", "bob", "0", "1-3", "IDLE", "2000");
        c.Execute("XCLAIM", "p-grp", "g1", "bob", "0", "1-4", "RETRYCOUNT", "9", "JUSTID");
        c.Execute("XDEL", "p-grp", "1-7");
        c.Execute("XAUTOCLAIM", "p-grp", "g1", "dave", "0", "0", "COUNT", "3");
        c.Execute("XSETID", "p-empty", "50-0", "ENTRIESADDED", "3", "MAXDELETEDID", "40-0");
        c.Execute("XGROUP", "DELCONSUMER", "p-grp", "g1", "carol");
    }

    private static string State(RawClient c, bool maskSeenTime)
    {
        var text = new System.Text.StringBuilder();
        foreach (string key in new[] { "p-auto", "p-grp", "p-empty" })
        {
            text.AppendLine(c.Execute("XINFO", "STREAM", key, "FULL", "COUNT", "0"));
            text.AppendLine(c.Execute("XINFO", "GROUPS", key));
        }
        string state = text.ToString();
        return maskSeenTime ? SeenTime().Replace(state, "seen-time, :*") : state;
    }

    [GeneratedRegex(@"seen-time, :\d+")]
    private static partial Regex SeenTime();

    [Fact]
    public async Task AofReplayRebuildsStreamsAndGroups()
    {
        string dir = NewDirectory();
        try
        {
            string before;
            await using (var server = new TestServer(c => c.AppendOnly = true, dir))
            {
                using RawClient client = server.Raw();
                Workload(client);
                before = State(client, maskSeenTime: true);
            }
            await using (var server = new TestServer(c => c.AppendOnly = true, dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal(before, State(client, maskSeenTime: true));
                Assert.Contains("dave", before, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task SnapshotRoundTripKeepsEverything()
    {
        string dir = NewDirectory();
        try
        {
            string before;
            await using (var server = new TestServer(c => c.Save = "", dir))
            {
                using RawClient client = server.Raw();
                Workload(client);
                before = State(client, maskSeenTime: false);
                Assert.Equal("+OK", client.Execute("SAVE"));
            }
            await using (var server = new TestServer(c => c.Save = "", dir))
            {
                using RawClient client = server.Raw();
                Assert.Equal(before, State(client, maskSeenTime: false));
                Assert.Equal("stream", client.Execute("OBJECT", "ENCODING", "p-grp"));
                Assert.StartsWith("1", client.Execute("XADD", "p-auto", "*", "after", "restart"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

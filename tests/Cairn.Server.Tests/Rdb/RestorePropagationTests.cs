using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Rdb;

/// <summary>RESTORE in the AOF: a relative TTL is recorded as an absolute one (ABSTTL), a restore that expires a replaced key as DEL.</summary>
public sealed class RestorePropagationTests
{
    [Fact]
    public void RestoredKeysReplayFromTheAofWithTheSameDeadline()
    {
        string directory = Path.Combine(Path.GetTempPath(), "cairn-rdbaof-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            long ttlBefore;
            using (var first = new TestServer(c => c.AppendOnly = true, dataDirectory: directory))
            {
                IDatabase db = first.Database();
                db.Execute("ZADD", "src", "1", "a", "2", "b");
                byte[] payload = (byte[])db.Execute("DUMP", "src")!;
                db.Execute("RESTORE", "volatile", 100000, payload);
                db.Execute("RESTORE", "persistent", 0, payload);
                db.Execute("SET", "replaced", "x");
                db.Execute("RESTORE", "replaced", 1000, payload, "ABSTTL", "REPLACE");
                ttlBefore = (long)db.Execute("PTTL", "volatile");
            }
            var logged = new System.Text.StringBuilder();
            foreach (string file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories))
            {
                logged.Append(System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(file)));
            }
            string aof = logged.ToString();
            Assert.Contains("ABSTTL", aof, StringComparison.Ordinal);
            Assert.Contains("DEL", aof, StringComparison.Ordinal);
            Assert.DoesNotContain("100000", aof, StringComparison.Ordinal); // the relative TTL is not what was logged
            using var second = new TestServer(c => c.AppendOnly = true, dataDirectory: directory);
            IDatabase again = second.Database();
            long ttlAfter = (long)again.Execute("PTTL", "volatile");
            Assert.InRange(ttlAfter, ttlBefore - 5000, ttlBefore);
            Assert.Equal("zset:61=1,62=2,", ValueDescription.Of(again, "volatile"));
            Assert.Equal(-1L, (long)again.Execute("PTTL", "persistent"));
            Assert.Equal(0L, (long)again.Execute("EXISTS", "replaced"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

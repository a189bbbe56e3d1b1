using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Rdb;

/// <summary>
/// The real interop check against Debian's redis-server 7.0: DUMP in one, RESTORE in the other, both ways, and a
/// dump.rdb written by Redis's SAVE loaded by Cairn at start-up. Contents are compared with plain commands.
/// </summary>
public sealed class RedisInteropTests
{
    [Fact]
    public void RedisDumpsRestoreIntoCairnWithTheSameContents()
    {
        using var redis = new RedisServerProcess();
        using var cairn = new TestServer();
        IDatabase source = redis.Database();
        IDatabase target = cairn.Database();
        List<string> keys = InteropValues.Populate(source, "", isRedis: true);
        foreach (string key in keys)
        {
            byte[] payload = (byte[])source.Execute("DUMP", key)!;
            RedisResult reply = target.Execute("RESTORE", key, 0, payload);
            Assert.True(reply.ToString() == "OK", $"{key}: RESTORE replied {reply}");
            Assert.Equal(ValueDescription.Of(source, key), ValueDescription.Of(target, key));
        }
    }

    [Fact]
    public void CairnDumpsSmallValuesByteForByteAsRedis70()
    {
        using var redis = new RedisServerProcess();
        using var cairn = new TestServer();
        InteropValues.Populate(redis.Database(), "", isRedis: true);
        InteropValues.Populate(cairn.Database(), "", isRedis: false);
        foreach (string key in InteropValues.ByteExact)
        {
            string expected = Convert.ToHexString((byte[])redis.Database().Execute("DUMP", key)!);
            string actual = Convert.ToHexString((byte[])cairn.Database().Execute("DUMP", key)!);
            Assert.True(expected == actual, $"{key}: Redis {expected}, Cairn {actual}");
        }
    }

    [Fact]
    public void CairnDumpsRestoreIntoRedisWithTheSameContents()
    {
        using var redis = new RedisServerProcess();
        using var cairn = new TestServer();
        IDatabase source = cairn.Database();
        IDatabase target = redis.Database();
        List<string> keys = InteropValues.Populate(source, "", isRedis: false);
        foreach (string key in keys)
        {
            byte[] payload = (byte[])source.Execute("DUMP", key)!;
            RedisResult reply = target.Execute("RESTORE", key, 0, payload);
            Assert.True(reply.ToString() == "OK", $"{key}: RESTORE replied {reply}");
            Assert.Equal(ValueDescription.Of(source, key), ValueDescription.Of(target, key));
        }
    }

    [Fact]
    public void CairnSplitsStreamsIntoListpacksAsRedisDoes()
    {
        using var redis = new RedisServerProcess();
        using var cairn = new TestServer();
        IDatabase db = redis.Database();
        InteropValues.Populate(db, "", isRedis: true);
        InteropValues.Populate(cairn.Database(), "cairn:", isRedis: false);
        foreach (string key in new[] { "stream:big", "stream:mixed", "stream:groups" })
        {
            byte[] payload = (byte[])cairn.Database().Execute("DUMP", "cairn:" + key)!;
            Assert.Equal("OK", db.Execute("RESTORE", "copy:" + key, 0, payload).ToString());
            // Same number of listpack nodes as Redis built through XADD (a stream with XDELs Cairn writes compacted).
            Assert.Equal(RadixTreeKeys(db, key), RadixTreeKeys(db, "copy:" + key));
            string description = ValueDescription.Of(db, "copy:" + key);
            Assert.StartsWith("stream:[" + Convert.ToHexString("length"u8) + ",", description, StringComparison.Ordinal);
            Assert.Equal(ValueDescription.Of(cairn.Database(), "cairn:" + key), description);
        }
        Assert.Contains(Convert.ToHexString("n150"u8), ValueDescription.Of(db, "copy:stream:big"), StringComparison.Ordinal);
        // Redis re-dumps what it restored from Cairn as Cairn wrote it, once its LZF is undone: Cairn reads it back equal.
        byte[] back = (byte[])db.Execute("DUMP", "copy:stream:groups")!;
        Assert.Equal("OK", cairn.Database().Execute("RESTORE", "back", 0, back).ToString());
        Assert.Equal(ValueDescription.Of(db, "copy:stream:groups"), ValueDescription.Of(cairn.Database(), "back"));
    }

    private static long RadixTreeKeys(IDatabase db, string key)
    {
        RedisResult[] info = (RedisResult[])db.Execute("XINFO", "STREAM", key)!;
        for (int i = 0; i < info.Length; i += 2)
        {
            if (info[i].ToString() == "radix-tree-keys")
            {
                return (long)info[i + 1];
            }
        }
        throw new InvalidOperationException("XINFO STREAM has no radix-tree-keys");
    }

    [Fact]
    public void ValuesSurviveARoundTripThroughRedisWithTtlAndReplace()
    {
        using var redis = new RedisServerProcess();
        using var cairn = new TestServer();
        cairn.Database().Execute("HSET", "h", "a", "1", "b", "2");
        byte[] payload = (byte[])cairn.Database().Execute("DUMP", "h")!;
        redis.Database().Execute("SET", "h", "old");
        Assert.Equal("OK", redis.Database().Execute("RESTORE", "h", 100000, payload, "REPLACE").ToString());
        long ttl = (long)redis.Database().Execute("PTTL", "h");
        Assert.InRange(ttl, 90000, 100000);
        byte[] back = (byte[])redis.Database().Execute("DUMP", "h")!;
        Assert.Equal(Convert.ToHexString(payload), Convert.ToHexString(back));
    }

    [Fact]
    public async Task RedisDumpRdbWithAllTypesDatabasesAndExpiriesLoadsIntoCairn()
    {
        var expected = new Dictionary<(int Db, string Key), (string Value, long Ttl)>();
        string directory = Path.Combine(Path.GetTempPath(), "cairn-rdb-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            using (var redis = new RedisServerProcess())
            {
                IDatabase db0 = redis.Database(0);
                var keysByDb = new Dictionary<int, List<string>>
                {
                    [0] = InteropValues.Populate(db0, "", isRedis: true),
                    [1] = InteropValues.Populate(redis.Database(1), "one:", isRedis: false),
                    [5] = [],
                };
                keysByDb[1] = keysByDb[1].ConvertAll(k => "one:" + k);
                redis.Database(5).Execute("SET", "five", "5");
                redis.Database(5).Execute("PEXPIRE", "five", 3_600_000);
                keysByDb[5].Add("five");
                db0.Execute("PEXPIRE", "list:big", 7_200_000);
                db0.Execute("SET", "soon-gone", "x", "PX", 300);
                // A function library: the file gets a FUNCTION2 record, which Cairn skips (it has no functions).
                db0.Execute("FUNCTION", "LOAD", "#!lua name=cairntest\nredis.register_function('one', function(keys, args) return 1 end)");
                db0.Execute("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"); // so SAVE writes an IDLE opcode per key
                Assert.Equal("OK", db0.Execute("SAVE").ToString());
                foreach ((int db, List<string> keys) in keysByDb)
                {
                    foreach (string key in keys)
                    {
                        IDatabase d = redis.Database(db);
                        expected[(db, key)] = (ValueDescription.Of(d, key), (long)d.Execute("PTTL", key));
                    }
                }
                File.Copy(Path.Combine(redis.Directory, "dump.rdb"), Path.Combine(directory, "dump.rdb"));
            }
            await Task.Delay(400); // "soon-gone" has expired by the time Cairn loads the file
            using var cairn = new TestServer(dataDirectory: directory);
            foreach (((int db, string key), (string value, long ttl)) in expected)
            {
                IDatabase d = cairn.Database(db);
                Assert.Equal(value, ValueDescription.Of(d, key));
                long cairnTtl = (long)d.Execute("PTTL", key);
                if (ttl < 0)
                {
                    Assert.Equal(-1, cairnTtl);
                }
                else
                {
                    Assert.InRange(cairnTtl, ttl - 60_000, ttl);
                }
            }
            Assert.Equal(0L, (long)cairn.Database(0).Execute("EXISTS", "soon-gone"));
            long total = 0;
            foreach (int db in new[] { 0, 1, 5 })
            {
                total += (long)cairn.Database(db).Execute("DBSIZE");
            }
            Assert.Equal(expected.Count, total);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

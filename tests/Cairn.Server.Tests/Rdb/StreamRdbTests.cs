using System.Buffers.Binary;
using System.Text;
using Cairn.Engine.Memory.Persistence.Rdb;
using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;
using static Cairn.Server.Tests.Rdb.RdbBytes;

namespace Cairn.Server.Tests.Rdb;

/// <summary>
/// Streams in Redis's RDB encoding: redis-server 7.0.15's DUMP payloads (<see cref="StreamGoldenPayloads"/>) restored
/// in Cairn answer as Redis answered, hand-built type 15 (Redis 5-6) and 21 (Redis 7.2) payloads load, and damaged
/// payloads are "Bad data format" without a crash or a half-built key.
/// </summary>
public sealed class StreamRdbTests : IClassFixture<StreamRdbTests.Fixture>
{
    private const string BadData = "-ERR Bad data format";

    private readonly IDatabase _db;

    public StreamRdbTests(Fixture fixture)
    {
        _db = fixture.Server.Database();
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void ASmallRedisStreamRestoresAndDumpsBackByteForByte()
    {
        Assert.Equal("OK", Restore("rs:small", StreamGoldenPayloads.SmallStream));
        Assert.Equal("[[1-1,[a,b]]]", Run("XRANGE", "rs:small", "-", "+"));
        Assert.Equal("stream", Run("TYPE", "rs:small"));
        Assert.Equal(StreamGoldenPayloads.SmallStream, Convert.ToHexString((byte[])_db.Execute("DUMP", "rs:small")!));
    }

    [Fact]
    public void DeletedEntriesAndDifferentFieldSetsRestoreAsRedisShowsThem()
    {
        Assert.Equal("OK", Restore("rs:del", StreamGoldenPayloads.DeletedEntriesAndMixedFields));
        Assert.Equal("4", Run("XLEN", "rs:del"));
        Assert.Equal("[[1-1,[f1,v1,f2,v2]],[2-0,[g,1]],[3-5,[f1,a,f2,b]],[5-0,[f1,,f2,z]]]", Run("XRANGE", "rs:del", "-", "+"));
        // Redis 7.0.15: XINFO STREAM s:del
        Assert.Equal(
            "[length,4,radix-tree-keys,1,radix-tree-nodes,2,last-generated-id,5-0,max-deleted-entry-id,4-0,entries-added,6," +
            "recorded-first-entry-id,1-1,groups,0,first-entry,[1-1,[f1,v1,f2,v2]],last-entry,[5-0,[f1,,f2,z]]]",
            Run("XINFO", "STREAM", "rs:del"));
    }

    [Fact]
    public void AStreamOfSeveralListpacksRestoresEveryEntry()
    {
        Assert.Equal("OK", Restore("rs:big", StreamGoldenPayloads.SeveralListpacks));
        Assert.Equal("180", Run("XLEN", "rs:big"));
        Assert.Equal("[[1000-1,[f,1,name,n1]],[1000-2,[f,2,name,n2]]]", Run("XRANGE", "rs:big", "-", "+", "COUNT", 2));
        Assert.Equal("[[1000-150,[f,150,name,n150]]]", Run("XRANGE", "rs:big", "1000-150", "1000-150"));
        Assert.Equal($"[[2015-0,[payload,{15.ToString("D500", System.Globalization.CultureInfo.InvariantCulture)}]]]", Run("XRANGE", "rs:big", "2015-0", "2015-0"));
        Assert.Equal("[[2030-0,[payload," + 30.ToString("D500", System.Globalization.CultureInfo.InvariantCulture) + "]]]", Run("XREVRANGE", "rs:big", "+", "-", "COUNT", 1));
        var ids = (RedisResult[])_db.Execute("XRANGE", "rs:big", "-", "+")!;
        Assert.Equal(180, ids.Length);
    }

    [Fact]
    public void GroupsPendingEntriesAndConsumersRestoreAsRedisShowsThem()
    {
        Assert.Equal("OK", Restore("rs:groups", StreamGoldenPayloads.GroupsAndPending));
        Assert.Equal("9", Run("XLEN", "rs:groups"));
        // Redis 7.0.15's answers for s:groups.
        Assert.Equal(
            "[[name,g1,consumers,2,pending,4,last-delivered-id,5-0,entries-read,5,lag,(nil)]," +
            "[name,g2,consumers,1,pending,0,last-delivered-id,10-0,entries-read,(nil),lag,0]," +
            "[name,g3,consumers,0,pending,0,last-delivered-id,5-0,entries-read,3,lag,(nil)]]",
            Run("XINFO", "GROUPS", "rs:groups"));
        Assert.Equal("[4,1-0,5-0,[[alice,1],[bob,3]]]", Run("XPENDING", "rs:groups", "g1"));
        string full = Run("XINFO", "STREAM", "rs:groups", "FULL");
        Assert.Contains(
            "groups,[[name,g1,last-delivered-id,5-0,entries-read,5,lag,(nil),pel-count,4," +
            "pending,[[1-0,alice,1796005633069,1],[3-0,bob,1796005633105,2],[4-0,bob,1796005633075,1],[5-0,bob,1796005633075,1]]," +
            "consumers,[[name,alice,seen-time,1796005633069,pel-count,1,pending,[[1-0,1796005633069,1]]]," +
            "[name,bob,seen-time,1796005633105,pel-count,3,pending,[[3-0,1796005633105,2],[4-0,1796005633075,1],[5-0,1796005633075,1]]]]]," +
            "[name,g2,last-delivered-id,10-0,entries-read,(nil),lag,0,pel-count,0,pending,[],consumers,[[name,carol,seen-time,1796005633093,pel-count,0,pending,[]]]]," +
            "[name,g3,last-delivered-id,5-0,entries-read,3,lag,(nil),pel-count,0,pending,[],consumers,[]]]",
            full, StringComparison.Ordinal);
        // The restored groups work: bob's entries can be acknowledged and g3 reads on from 5-0.
        Assert.Equal("2", Run("XACK", "rs:groups", "g1", "3-0", "4-0"));
        Assert.Equal("[[rs:groups,[[6-0,[k,v6]]]]]", Run("XREADGROUP", "GROUP", "g3", "dave", "COUNT", 1, "STREAMS", "rs:groups", ">"));
    }

    [Fact]
    public void AnEmptyStreamWithAGroupRestores()
    {
        Assert.Equal("OK", Restore("rs:empty", StreamGoldenPayloads.EmptyWithGroup));
        Assert.Equal("0", Run("XLEN", "rs:empty"));
        Assert.Equal("1", Run("EXISTS", "rs:empty"));
        Assert.Equal("[[name,g,consumers,0,pending,0,last-delivered-id,0-0,entries-read,(nil),lag,0]]", Run("XINFO", "GROUPS", "rs:empty"));
        Assert.Equal(StreamGoldenPayloads.EmptyWithGroup, Convert.ToHexString((byte[])_db.Execute("DUMP", "rs:empty")!));
    }

    [Fact]
    public void Redis6StreamsLoadWithTheCountersRedis7Derives()
    {
        Assert.Equal("OK", Restore("rs:v1", Payload(RdbType.StreamListpacks, Body(RdbType.StreamListpacks))));
        Assert.Equal("[[1-1,[a,b]]]", Run("XRANGE", "rs:v1", "-", "+"));
        string info = Run("XINFO", "STREAM", "rs:v1");
        Assert.Contains("max-deleted-entry-id,0-0,entries-added,1,recorded-first-entry-id,1-1", info, StringComparison.Ordinal);
        // entries-read is estimated from the group's last ID (1-1 is the last entry: all of them).
        Assert.Equal("[[name,g,consumers,1,pending,1,last-delivered-id,1-1,entries-read,1,lag,0]]", Run("XINFO", "GROUPS", "rs:v1"));
        Assert.Contains("pending,[[1-1,c,1234,2]],consumers,[[name,c,seen-time,5678,pel-count,1,pending,[[1-1,1234,2]]]]",
            Run("XINFO", "STREAM", "rs:v1", "FULL"), StringComparison.Ordinal);
    }

    [Fact]
    public void Redis72StreamsLoadAndTheirConsumersActiveTimeIsSkipped()
    {
        Assert.Equal("OK", Restore("rs:v3", Payload(RdbType.StreamListpacks3, Body(RdbType.StreamListpacks3), version: 11)));
        Assert.Equal("[[1-1,[a,b]]]", Run("XRANGE", "rs:v3", "-", "+"));
        Assert.Equal("[[name,g,consumers,1,pending,1,last-delivered-id,1-1,entries-read,7,lag,0]]", Run("XINFO", "GROUPS", "rs:v3"));
        Assert.Contains("consumers,[[name,c,seen-time,5678,pel-count,1,pending,[[1-1,1234,2]]]]",
            Run("XINFO", "STREAM", "rs:v3", "FULL"), StringComparison.Ordinal);
        // Cairn writes what Redis 7.0 reads: type 19, version 10.
        byte[] dump = (byte[])_db.Execute("DUMP", "rs:v3")!;
        Assert.Equal(RdbType.StreamListpacks2, dump[0]);
        Assert.Equal(10, dump[^10]);
    }

    [Fact]
    public void InconsistentGroupsAndEntriesAreBadDataFormat()
    {
        Assert.Equal("OK", Restore("rs:ok", Payload(RdbType.StreamListpacks2, Body(RdbType.StreamListpacks2))));
        var cases = new Dictionary<string, byte[]>
        {
            ["consumer PEL entry missing from the group PEL"] = Body(RdbType.StreamListpacks2, consumerPendingId: 2),
            ["group PEL entry without a consumer"] = Body(RdbType.StreamListpacks2, consumerPendingCount: 0),
            ["stored length differs from the entries"] = Body(RdbType.StreamListpacks2, length: 2),
            ["last ID below the last entry"] = Body(RdbType.StreamListpacks2, lastIdSequence: 0),
            ["node key not 16 bytes"] = Body(RdbType.StreamListpacks2, nodeKeyBytes: 15),
            ["duplicate group name"] = Body(RdbType.StreamListpacks2, duplicateGroup: true),
            ["the same entry twice (two nodes)"] = Body(RdbType.StreamListpacks2, nodes: 2),
            ["entries-added below the length"] = Body(RdbType.StreamListpacks2, entriesAdded: 0),
            ["wrong lp-count"] = Body(RdbType.StreamListpacks2, listpack: SmallListpack(lpCount: 5)),
            ["master count larger than the entries"] = Body(RdbType.StreamListpacks2, listpack: SmallListpack(liveCount: 2)),
            ["unknown entry flag"] = Body(RdbType.StreamListpacks2, listpack: SmallListpack(flags: 4)),
            ["trailing element"] = Body(RdbType.StreamListpacks2, listpack: SmallListpack(trailing: true)),
            ["empty listpack"] = Body(RdbType.StreamListpacks2, listpack: Listpack()),
            ["field count near 2^62 (would overflow when doubled)"] = Body(RdbType.StreamListpacks2,
                listpack: Listpack("1", "0", "1", "a", "0", "0", "0", "0", "4611686018427387904", "a", "b", "6")),
        };
        foreach ((string name, byte[] body) in cases)
        {
            Assert.True(Restore("rs:bad", Payload(RdbType.StreamListpacks2, body)) == BadData, name);
            Assert.Equal("0", Run("EXISTS", "rs:bad"));
        }
    }

    [Fact]
    public void EveryTruncationOfAStreamPayloadIsBadDataFormat()
    {
        foreach (string golden in new[] { StreamGoldenPayloads.GroupsAndPending, StreamGoldenPayloads.DeletedEntriesAndMixedFields })
        {
            byte[] payload = Convert.FromHexString(golden);
            byte[] body = payload[1..^10];
            for (int length = 0; length < body.Length; length++)
            {
                string reply = Restore("rs:cut", Payload(payload[0], body[..length]));
                Assert.True(reply == BadData, $"cut at {length}: {reply}");
            }
            Assert.Equal("0", Run("EXISTS", "rs:cut"));
        }
    }

    [Fact]
    public void CorruptedStreamPayloadsAreRefusedOrLoadConsistently()
    {
        var random = new Random(4);
        string[] goldens =
        [
            StreamGoldenPayloads.SmallStream, StreamGoldenPayloads.DeletedEntriesAndMixedFields, StreamGoldenPayloads.SeveralListpacks,
            StreamGoldenPayloads.GroupsAndPending, StreamGoldenPayloads.EmptyWithGroup,
        ];
        int accepted = 0;
        for (int round = 0; round < 2000; round++)
        {
            byte[] payload = Convert.FromHexString(goldens[round % goldens.Length]);
            byte[] body = payload[1..^10];
            int flips = 1 + random.Next(3);
            for (int f = 0; f < flips; f++)
            {
                body[random.Next(body.Length)] ^= (byte)(1 + random.Next(255));
            }
            // The dump.rdb loader relies on damage surfacing only as RdbFormatException (it names the offset).
            try
            {
                _ = RdbValueReader.Read(payload[0], new RdbInput(body));
            }
            catch (RdbFormatException)
            {
            }
            string reply = Restore("rs:fuzz", Payload(payload[0], body));
            if (reply == "OK")
            {
                accepted++;
                // Whatever was accepted is a whole, usable stream, and it dumps and restores again.
                _ = Run("XINFO", "STREAM", "rs:fuzz", "FULL", "COUNT", 0);
                _ = Run("XRANGE", "rs:fuzz", "-", "+");
                byte[] again = (byte[])_db.Execute("DUMP", "rs:fuzz")!;
                Assert.Equal("OK", Run("RESTORE", "rs:fuzz", 0, again, "REPLACE"));
                Assert.Equal("1", Run("DEL", "rs:fuzz"));
            }
            else
            {
                Assert.True(reply == BadData, $"round {round}: {reply}");
                Assert.Equal("0", Run("EXISTS", "rs:fuzz"));
            }
        }
        Assert.True(accepted < 2000);
    }

    private string Restore(string key, string hex) => Restore(key, Convert.FromHexString(hex));

    private string Restore(string key, byte[] payload) => Run("RESTORE", key, 0, payload);

    private string Run(string command, params object[] args)
    {
        try
        {
            return Text(_db.Execute(command, args));
        }
        catch (RedisServerException e)
        {
            return "-" + e.Message;
        }
    }

    /// <summary>A reply as text: arrays as [a,b], nulls as (nil).</summary>
    private static string Text(RedisResult result)
    {
        if (result.IsNull)
        {
            return "(nil)";
        }
        if (result.Resp2Type != ResultType.Array)
        {
            return result.ToString();
        }
        var text = new StringBuilder("[");
        RedisResult[] items = (RedisResult[])result!;
        for (int i = 0; i < items.Length; i++)
        {
            text.Append(i > 0 ? "," : "").Append(Text(items[i]));
        }
        return text.Append(']').ToString();
    }

    /// <summary>The listpack of XADD 1-1 a b (master fields [a], one SAMEFIELDS entry), optionally damaged.</summary>
    private static byte[] SmallListpack(int liveCount = 1, int flags = 2, int lpCount = 4, bool trailing = false)
    {
        string[] elements = ["" + liveCount, "0", "1", "a", "0", "" + flags, "0", "0", "b", "" + lpCount];
        return trailing ? Listpack([.. elements, "7"]) : Listpack(elements);
    }

    /// <summary>
    /// A stream of the one entry 1-1 {a: b} with group "g" (last ID 1-1) whose PEL holds 1-1 (delivered at 1234 ms,
    /// twice) owned by consumer "c" (seen at 5678), in the layout of <paramref name="type"/>; parameters damage it.
    /// </summary>
    private static byte[] Body(
        byte type, byte[]? listpack = null, int nodes = 1, int nodeKeyBytes = 16, ulong length = 1, ulong lastIdSequence = 1,
        ulong entriesAdded = 7, bool duplicateGroup = false, int consumerPendingCount = 1, ulong consumerPendingId = 1)
    {
        var output = new RdbOutput();
        output.WriteLength((ulong)nodes);
        for (int n = 0; n < nodes; n++)
        {
            output.WriteLength((ulong)nodeKeyBytes);
            output.WriteBytes(RawId(1, 1).AsSpan(0, nodeKeyBytes));
            byte[] lp = listpack ?? SmallListpack();
            output.WriteLength((ulong)lp.Length);
            output.WriteBytes(lp);
        }
        output.WriteLength(length);
        output.WriteLength(1);
        output.WriteLength(lastIdSequence);
        if (type != RdbType.StreamListpacks)
        {
            output.WriteLength(1); // first-id 1-1
            output.WriteLength(1);
            output.WriteLength(0); // max-deleted-entry-id 0-0
            output.WriteLength(0);
            output.WriteLength(entriesAdded);
        }
        int groups = duplicateGroup ? 2 : 1;
        output.WriteLength((ulong)groups);
        for (int g = 0; g < groups; g++)
        {
            output.WriteString("g"u8);
            output.WriteLength(1);
            output.WriteLength(1);
            if (type != RdbType.StreamListpacks)
            {
                output.WriteLength(7); // entries-read
            }
            output.WriteLength(1); // group PEL
            output.WriteBytes(RawId(1, 1));
            output.WriteBytes(Int64(1234));
            output.WriteLength(2);
            output.WriteLength(1); // consumers
            output.WriteString("c"u8);
            output.WriteBytes(Int64(5678));
            if (type == RdbType.StreamListpacks3)
            {
                output.WriteBytes(Int64(9999)); // active-time
            }
            output.WriteLength((ulong)consumerPendingCount);
            for (int p = 0; p < consumerPendingCount; p++)
            {
                output.WriteBytes(RawId(1, consumerPendingId));
            }
        }
        return output.WrittenSpan.ToArray();
    }

    private static byte[] RawId(ulong milliseconds, ulong sequence)
    {
        byte[] raw = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(raw, milliseconds);
        BinaryPrimitives.WriteUInt64BigEndian(raw.AsSpan(8), sequence);
        return raw;
    }

    private static byte[] Int64(long value)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }
}

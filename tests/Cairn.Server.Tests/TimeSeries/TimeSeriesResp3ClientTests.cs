// The positional overloads are obsolete in NRedisStack 1.8 but still what most applications call; they send the same commands.
#pragma warning disable CS0618
using Cairn.Server.Tests.Infrastructure;
using NRedisStack;
using NRedisStack.DataTypes;
using NRedisStack.Literals.Enums;
using NRedisStack.RedisStackCommands;
using StackExchange.Redis;

namespace Cairn.Server.Tests.TimeSeries;

/// <summary>NRedisStack over a RESP3 connection (StackExchange.Redis 3.x's default protocol).</summary>
public sealed class TimeSeriesResp3ClientTests
{
    [Fact]
    public void ClientParsesResp3Replies()
    {
        using TestServer server = new();
        using ConnectionMultiplexer connection = server.Connect(o => o.Protocol = RedisProtocol.Resp3);
        TimeSeriesCommands ts = connection.GetDatabase().TS();
        ts.Create("r3:a", labels: [new TimeSeriesLabel("k", "v")]);
        ts.Add("r3:a", 1, 1.5);
        ts.Add("r3:a", 2, 2.5);
        Assert.Equal(2.5, ts.Get("r3:a")!.Val);
        Assert.Equal([1.5, 2.5], ts.Range("r3:a", "-", "+").Select(t => t.Val));
        Assert.Equal(2, ts.Info("r3:a").TotalSamples);
        Assert.Equal(["r3:a"], ts.QueryIndex(["k=v"]));
        var mget = ts.MGet(["k=v"], withLabels: true);
        Assert.Equal(2.5, mget.Single().value.Val);
        var mrange = ts.MRange("-", "+", ["k=v"], withLabels: true, aggregation: TsAggregation.Sum, timeBucket: 10);
        Assert.Equal(4.0, mrange.Single().values.Single().Val);
        // RESP3 shapes (maps keyed by series, labels as maps) still parse into the client's types.
        Assert.Equal("r3:a", mget.Single().key);
        Assert.Equal([new TimeSeriesLabel("k", "v")], mget.Single().labels);
        Assert.Equal("r3:a", mrange.Single().key);
        Assert.Equal([new TimeSeriesLabel("k", "v")], mrange.Single().labels);
        var grouped = ts.MRange("-", "+", ["k=v"], withLabels: true, groupbyTuple: ("k", TsReduce.Max));
        Assert.Equal("k=v", grouped.Single().key);
        Assert.Equal([1.5, 2.5], grouped.Single().values.Select(t => t.Val));
    }
}

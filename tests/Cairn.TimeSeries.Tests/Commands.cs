using System.Text;
using Cairn.TimeSeries.Arguments;
using Cairn.TimeSeries.Query;
using Cairn.TimeSeries.Replies;
using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Tests;

/// <summary>
/// Drives the store the way the command layer will: split a command line, parse, call the store, shape the reply.
/// Replies render through <see cref="TsReply.ToString"/>, so tests read like redis-cli transcripts.
/// </summary>
internal sealed class Commands
{
    public Commands()
    {
        Keyspace = new InMemorySeriesKeyspace();
        Store = new TimeSeriesStore(Keyspace);
    }

    public InMemorySeriesKeyspace Keyspace { get; }

    public TimeSeriesStore Store { get; }

    public long NowMilliseconds { get; set; } = 1_000_000;

    public static ReadOnlyMemory<byte>[] Split(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(word => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(word)).ToArray();

    /// <summary>Runs one command; returns the reply rendered as text, or the error text.</summary>
    public string Run(string line)
    {
        ReadOnlyMemory<byte>[] words = Split(line);
        string name = Encoding.UTF8.GetString(words[0].Span).ToUpperInvariant();
        ReadOnlySpan<ReadOnlyMemory<byte>> arguments = words.AsSpan(1);
        return name switch
        {
            "TS.CREATE" => Then(TsArgumentParser.ParseCreate(arguments, Store.DefaultOptions), a => Reply(Store.Create(a), _ => TsReplies.Ok)),
            "TS.ALTER" => Then(TsArgumentParser.ParseAlter(arguments), a => Reply(Store.Alter(a), _ => TsReplies.Ok)),
            "TS.ADD" => Then(TsArgumentParser.ParseAdd(arguments, Store.DefaultOptions), a => Reply(Store.Add(a, NowMilliseconds), TsReplies.Timestamp)),
            "TS.MADD" => Then(TsArgumentParser.ParseMultiAdd(arguments), a =>
                "[" + string.Join(", ", Store.MultiAdd(a, NowMilliseconds).Select(r => r.IsError ? r.Error : r.Value.ToString())) + "]"),
            "TS.INCRBY" or "TS.DECRBY" => Then(TsArgumentParser.ParseIncrement(arguments, name == "TS.DECRBY", Store.DefaultOptions),
                a => Reply(Store.Increment(a, NowMilliseconds), TsReplies.Timestamp)),
            "TS.DEL" => Then(TsArgumentParser.ParseDelete(arguments), a => Reply(Store.DeleteRange(a), TsReply.FromInteger)),
            "TS.GET" => Then(TsArgumentParser.ParseGet(arguments), a => Reply(Store.Get(a), TsReplies.Get)),
            "TS.INFO" => Then(TsArgumentParser.ParseInfo(arguments), a => Reply(Store.Info(a.Key, a.Debug), f => TsReplies.Info(f, resp3: false))),
            "TS.RANGE" or "TS.REVRANGE" => Then(TsArgumentParser.ParseRange(arguments),
                a => Reply(Store.Range(a, name == "TS.REVRANGE"), TsReplies.Samples)),
            "TS.MRANGE" or "TS.MREVRANGE" => Then(TsArgumentParser.ParseMultiRange(arguments, name == "TS.MREVRANGE"),
                a => TsReplies.MultiRange(Store.MultiRange(a, name == "TS.MREVRANGE")).ToString()),
            "TS.MGET" => Then(TsArgumentParser.ParseMultiGet(arguments), a => TsReplies.MultiGet(Store.MultiGet(a)).ToString()),
            "TS.QUERYINDEX" => Then(TsArgumentParser.ParseQueryIndex(arguments), a => TsReplies.Keys(Store.QueryIndex(a)).ToString()),
            "TS.CREATERULE" => Then(TsArgumentParser.ParseCreateRule(arguments), a => Reply(Store.CreateRule(a), _ => TsReplies.Ok)),
            "TS.DELETERULE" => Then(TsArgumentParser.ParseDeleteRule(arguments), a => Reply(Store.DeleteRule(a), _ => TsReplies.Ok)),
            "DEL" => Delete(words[1].ToArray()),
            _ => throw new ArgumentException(name),
        };
    }

    public TimeSeriesData Series(string key)
    {
        Assert.Equal(KeyLookup.Series, Keyspace.TryGet(Encoding.UTF8.GetBytes(key), out TimeSeriesData? series));
        return series!;
    }

    public List<Sample> Samples(string key) => Store.Range(new RangeArguments(Encoding.UTF8.GetBytes(key), new RangeOptions()), false).Value!;

    private string Delete(byte[] key)
    {
        Store.OnKeyDeleted(key);
        return Keyspace.Remove(key) ? "1" : "0";
    }

    private static string Then<T>(TsResult<T> parsed, Func<T, string> next) => parsed.IsError ? parsed.Error : next(parsed.Value);

    private static string Reply<T>(TsResult<T> result, Func<T, TsReply> shape) => result.IsError ? result.Error : shape(result.Value!).ToString();
}

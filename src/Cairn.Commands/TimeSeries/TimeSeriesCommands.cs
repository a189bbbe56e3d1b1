using System.Globalization;
using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;
using Cairn.TimeSeries;
using Cairn.TimeSeries.Arguments;
using Cairn.TimeSeries.Query;
using Cairn.TimeSeries.Replies;
using Cairn.TimeSeries.Series;

namespace Cairn.Commands.TimeSeries;

/// <summary>
/// TS.* (RedisTimeSeries): parse with TsArgumentParser, run on the database's TimeSeriesStore, write the TsReply tree.
/// Writes signal every key they may have changed (the series and, transitively, its compaction destinations), publish
/// module-class keyspace events under RedisTimeSeries's names, and make time-dependent writes deterministic in the AOF.
/// </summary>
internal static class TimeSeriesCommands
{
    [Command("TS.CREATE")]
    public static void Create(CommandContext ctx)
    {
        SeriesKeyspace series = Series(ctx);
        ctx.LookupWrite(ctx.Arg(1));
        TsResult<CreateArguments> parsed = TsArgumentParser.ParseCreate(Args(ctx), series.Store.DefaultOptions);
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        TsResult<TimeSeriesData> created = series.Store.Create(parsed.Value);
        if (created.IsError)
        {
            ctx.Error(created.Error);
            return;
        }
        AfterWrite(ctx, series, parsed.Value.Key, "ts.create");
        TsReplyWriter.Write(ctx.Reply, TsReplies.Ok);
    }

    [Command("TS.ALTER")]
    public static void Alter(CommandContext ctx)
    {
        SeriesKeyspace series = Series(ctx);
        ctx.LookupWrite(ctx.Arg(1));
        TsResult<AlterArguments> parsed = TsArgumentParser.ParseAlter(Args(ctx));
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        TsResult<bool> result = series.Store.Alter(parsed.Value);
        if (result.IsError)
        {
            ctx.Error(result.Error);
            return;
        }
        AfterWrite(ctx, series, parsed.Value.Key, "ts.alter");
        TsReplyWriter.Write(ctx.Reply, TsReplies.Ok);
    }

    [Command("TS.ADD")]
    public static void Add(CommandContext ctx)
    {
        SeriesKeyspace series = Series(ctx);
        ctx.LookupWrite(ctx.Arg(1));
        TsResult<AddArguments> parsed = TsArgumentParser.ParseAdd(Args(ctx), series.Store.DefaultOptions);
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        BeforeWrite(ctx, series, parsed.Value.Key);
        TsResult<long> result = series.Store.Add(parsed.Value, ctx.Now);
        if (result.IsError)
        {
            ctx.Error(result.Error);
            return;
        }
        if (parsed.Value.Timestamp is null)
        {
            // '*' is the server's clock: the AOF gets the time used, so a replay stores the same sample.
            byte[][] command = ctx.Arguments.ToOwnedArray();
            command[2] = Timestamp(ctx.Now);
            ctx.PropagateAs(command);
        }
        AfterWrite(ctx, series, parsed.Value.Key, "ts.add");
        ctx.Reply.WriteInteger(result.Value);
    }

    [Command("TS.MADD")]
    public static void MultiAdd(CommandContext ctx)
    {
        SeriesKeyspace series = Series(ctx);
        for (int i = 1; i < ctx.ArgumentCount; i += 3)
        {
            ctx.LookupWrite(ctx.Arg(i));
        }
        TsResult<List<MultiAddEntry>> parsed = TsArgumentParser.ParseMultiAdd(Args(ctx));
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        List<MultiAddEntry> entries = parsed.Value;
        foreach (MultiAddEntry entry in entries)
        {
            BeforeWrite(ctx, series, entry.Key);
        }
        List<TsResult<long>> results = series.Store.MultiAdd(entries, ctx.Now);
        // Each triple succeeds or fails on its own, with its error in its place of the reply (RedisTimeSeries's TS.MADD);
        // the AOF records only the triples that were added, with '*' resolved, so a replay neither fails nor drifts.
        byte[][] arguments = ctx.Arguments.ToOwnedArray();
        var propagated = new List<byte[]>(arguments.Length) { arguments[0] };
        bool rewritten = false;
        ctx.Reply.WriteArrayHeader(results.Count);
        for (int i = 0; i < results.Count; i++)
        {
            TsResult<long> result = results[i];
            if (result.IsError)
            {
                ctx.Reply.WriteError(result.Error);
                rewritten = true;
                continue;
            }
            propagated.Add(arguments[1 + (3 * i)]);
            if (entries[i].Timestamp is null)
            {
                propagated.Add(Timestamp(ctx.Now));
                rewritten = true;
            }
            else
            {
                propagated.Add(arguments[2 + (3 * i)]);
            }
            propagated.Add(arguments[3 + (3 * i)]);
            AfterWrite(ctx, series, entries[i].Key, "ts.add");
            ctx.Reply.WriteInteger(result.Value);
        }
        if (rewritten && propagated.Count > 1)
        {
            ctx.PropagateAs([.. propagated]);
        }
    }

    [Command("TS.INCRBY")]
    public static void IncrBy(CommandContext ctx) => Increment(ctx, decrement: false);

    [Command("TS.DECRBY")]
    public static void DecrBy(CommandContext ctx) => Increment(ctx, decrement: true);

    private static void Increment(CommandContext ctx, bool decrement)
    {
        SeriesKeyspace series = Series(ctx);
        ctx.LookupWrite(ctx.Arg(1));
        TsResult<IncrementArguments> parsed = TsArgumentParser.ParseIncrement(Args(ctx), decrement, series.Store.DefaultOptions);
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        BeforeWrite(ctx, series, parsed.Value.Key);
        TsResult<long> result = series.Store.Increment(parsed.Value, ctx.Now);
        if (result.IsError)
        {
            ctx.Error(result.Error);
            return;
        }
        if (parsed.Value.Timestamp is null)
        {
            ctx.PropagateAs(WithExplicitTimestamp(ctx.Arguments.ToOwnedArray(), ctx.Now));
        }
        AfterWrite(ctx, series, parsed.Value.Key, decrement ? "ts.decrby" : "ts.incrby");
        ctx.Reply.WriteInteger(result.Value);
    }

    [Command("TS.DEL")]
    public static void Delete(CommandContext ctx)
    {
        SeriesKeyspace series = Series(ctx);
        ctx.LookupWrite(ctx.Arg(1));
        TsResult<DeleteArguments> parsed = TsArgumentParser.ParseDelete(Args(ctx));
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        BeforeWrite(ctx, series, parsed.Value.Key);
        TsResult<long> result = series.Store.DeleteRange(parsed.Value);
        if (result.IsError)
        {
            ctx.Error(result.Error);
            return;
        }
        if (result.Value > 0)
        {
            AfterWrite(ctx, series, parsed.Value.Key, "ts.del");
        }
        ctx.Reply.WriteInteger(result.Value);
    }

    [Command("TS.GET")]
    public static void Get(CommandContext ctx)
    {
        SeriesKeyspace series = Series(ctx);
        ctx.LookupRead(ctx.Arg(1));
        TsResult<GetArguments> parsed = TsArgumentParser.ParseGet(Args(ctx));
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        TsResult<Sample?> result = series.Store.Get(parsed.Value);
        if (result.IsError)
        {
            ctx.Error(result.Error);
            return;
        }
        TsReplyWriter.Write(ctx.Reply, TsReplies.Get(result.Value));
    }

    [Command("TS.INFO")]
    public static void Info(CommandContext ctx)
    {
        SeriesKeyspace series = Series(ctx);
        ctx.LookupRead(ctx.Arg(1));
        TsResult<InfoArguments> parsed = TsArgumentParser.ParseInfo(Args(ctx));
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        TsResult<List<InfoField>> result = series.Store.Info(parsed.Value.Key, parsed.Value.Debug, ctx.Reply.IsResp3);
        if (result.IsError)
        {
            ctx.Error(result.Error);
            return;
        }
        TsReplyWriter.Write(ctx.Reply, TsReplies.Info(result.Value, ctx.Reply.IsResp3));
    }

    [Command("TS.RANGE")]
    public static void Range(CommandContext ctx) => RangeGeneric(ctx, reverse: false);

    [Command("TS.REVRANGE")]
    public static void RevRange(CommandContext ctx) => RangeGeneric(ctx, reverse: true);

    private static void RangeGeneric(CommandContext ctx, bool reverse)
    {
        SeriesKeyspace series = Series(ctx);
        ctx.LookupRead(ctx.Arg(1));
        TsResult<RangeArguments> parsed = TsArgumentParser.ParseRange(Args(ctx));
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        TsResult<List<Sample>> result = series.Store.Range(parsed.Value, reverse);
        if (result.IsError)
        {
            ctx.Error(result.Error);
            return;
        }
        TsReplyWriter.Write(ctx.Reply, TsReplies.Samples(result.Value));
    }

    [Command("TS.MRANGE")]
    public static void MultiRange(CommandContext ctx) => MultiRangeGeneric(ctx, reverse: false);

    [Command("TS.MREVRANGE")]
    public static void MultiRevRange(CommandContext ctx) => MultiRangeGeneric(ctx, reverse: true);

    private static void MultiRangeGeneric(CommandContext ctx, bool reverse)
    {
        SeriesKeyspace series = Series(ctx);
        TsResult<MultiRangeArguments> parsed = TsArgumentParser.ParseMultiRange(Args(ctx), reverse);
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        ExpireMatches(ctx, series, parsed.Value.Filter);
        TsReplyWriter.Write(ctx.Reply, TsReplies.MultiRange(series.Store.MultiRange(parsed.Value, reverse), parsed.Value, ctx.Reply.IsResp3));
    }

    [Command("TS.MGET")]
    public static void MultiGet(CommandContext ctx)
    {
        SeriesKeyspace series = Series(ctx);
        TsResult<MultiGetArguments> parsed = TsArgumentParser.ParseMultiGet(Args(ctx));
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        ExpireMatches(ctx, series, parsed.Value.Filter);
        TsReplyWriter.Write(ctx.Reply, TsReplies.MultiGet(series.Store.MultiGet(parsed.Value), ctx.Reply.IsResp3));
    }

    [Command("TS.QUERYINDEX")]
    public static void QueryIndex(CommandContext ctx)
    {
        SeriesKeyspace series = Series(ctx);
        TsResult<List<LabelMatcher>> parsed = TsArgumentParser.ParseQueryIndex(Args(ctx));
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        ExpireMatches(ctx, series, parsed.Value);
        TsReplyWriter.Write(ctx.Reply, TsReplies.Keys(series.Store.QueryIndex(parsed.Value), ctx.Reply.IsResp3));
    }

    [Command("TS.CREATERULE")]
    public static void CreateRule(CommandContext ctx)
    {
        SeriesKeyspace series = Series(ctx);
        ctx.LookupWrite(ctx.Arg(1));
        ctx.LookupWrite(ctx.Arg(2));
        TsResult<CreateRuleArguments> parsed = TsArgumentParser.ParseCreateRule(Args(ctx));
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        BeforeWrite(ctx, series, parsed.Value.DestinationKey);
        TsResult<bool> result = series.Store.CreateRule(parsed.Value);
        if (result.IsError)
        {
            ctx.Error(result.Error);
            return;
        }
        AfterWrite(ctx, series, parsed.Value.SourceKey, "ts.createrule");
        AfterWrite(ctx, series, parsed.Value.DestinationKey, "ts.createrule");
        TsReplyWriter.Write(ctx.Reply, TsReplies.Ok);
    }

    [Command("TS.DELETERULE")]
    public static void DeleteRule(CommandContext ctx)
    {
        SeriesKeyspace series = Series(ctx);
        ctx.LookupWrite(ctx.Arg(1));
        ctx.LookupWrite(ctx.Arg(2));
        TsResult<DeleteRuleArguments> parsed = TsArgumentParser.ParseDeleteRule(Args(ctx));
        if (parsed.IsError)
        {
            ctx.Error(parsed.Error);
            return;
        }
        TsResult<bool> result = series.Store.DeleteRule(parsed.Value);
        if (result.IsError)
        {
            ctx.Error(result.Error);
            return;
        }
        // Only the rule lists change; the destination keeps its samples.
        Signal(ctx, series, parsed.Value.SourceKey, "ts.deleterule");
        Signal(ctx, series, parsed.Value.DestinationKey, "ts.deleterule");
        TsReplyWriter.Write(ctx.Reply, TsReplies.Ok);
    }

    /// <summary>
    /// Filter queries read the label index, not the keyspace: look the matching keys up first, so that keys past their TTL
    /// are expired (and leave the index) before the query runs, as a lookup of each key would in Redis.
    /// </summary>
    private static void ExpireMatches(CommandContext ctx, SeriesKeyspace series, IReadOnlyList<LabelMatcher> filter)
    {
        if (ctx.Database.VolatileCount == 0)
        {
            return;
        }
        foreach (byte[] key in series.Store.QueryIndex(filter))
        {
            ctx.Database.Find(key, ctx.Now);
        }
    }

    private static SeriesKeyspace Series(CommandContext ctx) => ctx.Server.TimeSeries.For(ctx.Database);

    /// <summary>The arguments after the command name, as the parsers take them.</summary>
    private static ReadOnlyMemory<byte>[] Args(CommandContext ctx)
    {
        var arguments = new ReadOnlyMemory<byte>[ctx.ArgumentCount - 1];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = ctx.Arguments.GetMemory(i + 1);
        }
        return arguments;
    }

    private static byte[] Timestamp(long value) =>
        System.Text.Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// TS.INCRBY/DECRBY as replayed: TIMESTAMP set to the time used, replacing a '*' given or inserted right after the value
    /// (not appended: a trailing LABELS list would swallow it).
    /// </summary>
    private static byte[][] WithExplicitTimestamp(byte[][] command, long now)
    {
        for (int i = 3; i < command.Length - 1; i++)
        {
            if (CommandContext.EqualsIgnoreCase(command[i], "LABELS"u8))
            {
                break;
            }
            if (CommandContext.EqualsIgnoreCase(command[i], "TIMESTAMP"u8))
            {
                command[i + 1] = Timestamp(now);
                return command;
            }
        }
        var extended = new byte[command.Length + 2][];
        Array.Copy(command, extended, 3);
        extended[3] = "TIMESTAMP"u8.ToArray();
        extended[4] = Timestamp(now);
        Array.Copy(command, 3, extended, 5, command.Length - 3);
        return extended;
    }

    /// <summary>
    /// A snapshot in progress must save, before the write, the old values of compaction destinations the write may reach
    /// (the dispatcher saves only the command's declared keys).
    /// </summary>
    private static void BeforeWrite(CommandContext ctx, SeriesKeyspace series, byte[] key)
    {
        if (ctx.Database.Tracker is not { } tracker || series.Find(key) is not { } value)
        {
            return;
        }
        VisitDestinations(series, value.Series, 0, destination =>
        {
            int slot = ctx.Database.FindRaw(destination);
            if (slot >= 0)
            {
                tracker.BeforeChange(ctx.Database, slot);
            }
        });
    }

    /// <summary>The key changed: account its memory, signal it, publish the event; its destinations may have changed too.</summary>
    private static void AfterWrite(CommandContext ctx, SeriesKeyspace series, byte[] key, string eventName)
    {
        if (series.Find(key) is not { } value)
        {
            return;
        }
        Signal(ctx, series, key, eventName);
        VisitDestinations(series, value.Series, 0, destination => Signal(ctx, series, destination, null));
    }

    private static void Signal(CommandContext ctx, SeriesKeyspace series, byte[] key, string? eventName)
    {
        if (series.Find(key) is { } value)
        {
            long delta = value.RefreshMemory();
            if (delta != 0)
            {
                ctx.Store.AdjustMemory(delta);
            }
        }
        ctx.Modified(key);
        if (eventName is not null)
        {
            ctx.Notify(KeyspaceEvents.Module, eventName, key);
        }
    }

    private static void VisitDestinations(SeriesKeyspace series, TimeSeriesData source, int depth, Action<byte[]> visit)
    {
        if (depth >= TimeSeriesStore.MaximumRuleChainDepth)
        {
            return;
        }
        foreach (CompactionRule rule in source.Rules)
        {
            visit(rule.DestinationKey);
            if (series.Find(rule.DestinationKey) is { } destination)
            {
                VisitDestinations(series, destination.Series, depth + 1, visit);
            }
        }
    }
}

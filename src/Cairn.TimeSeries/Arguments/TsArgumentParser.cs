using Cairn.TimeSeries.Aggregation;
using Cairn.TimeSeries.Query;
using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Arguments;

/// <summary>
/// Parses each TS.* command's arguments (everything after the command name) into a typed record, or returns the
/// RedisTimeSeries error reply. Arity errors for too few arguments are returned too, in Redis's wording, so the command
/// table may declare TS.* commands with a loose arity.
/// </summary>
public static class TsArgumentParser
{
    private static readonly byte[][] s_multiRangeWords =
    [
        "WITHLABELS"u8.ToArray(), "SELECTED_LABELS"u8.ToArray(), "FILTER"u8.ToArray(), "GROUPBY"u8.ToArray(),
        "LATEST"u8.ToArray(), "FILTER_BY_TS"u8.ToArray(), "FILTER_BY_VALUE"u8.ToArray(), "COUNT"u8.ToArray(), "ALIGN"u8.ToArray(),
        "AGGREGATION"u8.ToArray(), "BUCKETTIMESTAMP"u8.ToArray(), "EMPTY"u8.ToArray(),
    ];

    public static TsResult<CreateArguments> ParseCreate(ReadOnlySpan<ReadOnlyMemory<byte>> arguments, SeriesOptions defaults)
    {
        if (arguments.Length < 1)
        {
            return TsResult<CreateArguments>.Fail(Tokens.Arity("ts.create"));
        }
        var parsed = new SeriesOptionsParser.Parsed();
        if (SeriesOptionsParser.TryParse(arguments[1..], SeriesOptionsParser.Allowed.Encoding, parsed) is { } error)
        {
            return TsResult<CreateArguments>.Fail(error);
        }
        return new CreateArguments(arguments[0].ToArray(), parsed.ToSeriesOptions(defaults));
    }

    public static TsResult<AlterArguments> ParseAlter(ReadOnlySpan<ReadOnlyMemory<byte>> arguments)
    {
        if (arguments.Length < 1)
        {
            return TsResult<AlterArguments>.Fail(Tokens.Arity("ts.alter"));
        }
        var parsed = new SeriesOptionsParser.Parsed();
        if (SeriesOptionsParser.TryParse(arguments[1..], SeriesOptionsParser.Allowed.None, parsed) is { } error)
        {
            return TsResult<AlterArguments>.Fail(error);
        }
        return new AlterArguments(arguments[0].ToArray())
        {
            RetentionMilliseconds = parsed.RetentionMilliseconds,
            ChunkSizeBytes = parsed.ChunkSizeBytes,
            DuplicatePolicy = parsed.DuplicatePolicy,
            IgnoreMaxTimeDifferenceMilliseconds = parsed.IgnoreMaxTimeDifferenceMilliseconds,
            IgnoreMaxValueDifference = parsed.IgnoreMaxValueDifference,
            Labels = parsed.Labels,
        };
    }

    public static TsResult<AddArguments> ParseAdd(ReadOnlySpan<ReadOnlyMemory<byte>> arguments, SeriesOptions defaults)
    {
        if (arguments.Length < 3)
        {
            return TsResult<AddArguments>.Fail(Tokens.Arity("ts.add"));
        }
        if (ParseSampleTimestamp(arguments[1], out long? timestamp) is { } timestampError)
        {
            return TsResult<AddArguments>.Fail(timestampError);
        }
        if (!Tokens.TryParseDouble(arguments[2], out double value))
        {
            return TsResult<AddArguments>.Fail(TsErrors.InvalidValue);
        }
        var parsed = new SeriesOptionsParser.Parsed();
        var allowed = SeriesOptionsParser.Allowed.Encoding | SeriesOptionsParser.Allowed.OnDuplicate;
        if (SeriesOptionsParser.TryParse(arguments[3..], allowed, parsed) is { } error)
        {
            return TsResult<AddArguments>.Fail(error);
        }
        return new AddArguments(arguments[0].ToArray(), timestamp, value, parsed.ToSeriesOptions(defaults), parsed.OnDuplicate);
    }

    public static TsResult<List<MultiAddEntry>> ParseMultiAdd(ReadOnlySpan<ReadOnlyMemory<byte>> arguments)
    {
        if (arguments.Length < 3 || arguments.Length % 3 != 0)
        {
            return TsResult<List<MultiAddEntry>>.Fail(Tokens.Arity("ts.madd"));
        }
        var entries = new List<MultiAddEntry>(arguments.Length / 3);
        for (int i = 0; i < arguments.Length; i += 3)
        {
            byte[] key = arguments[i].ToArray();
            // Per triple, in RedisTimeSeries's order (module.c add()): the value, then the timestamp.
            if (!Tokens.TryParseDouble(arguments[i + 2], out double value))
            {
                entries.Add(new MultiAddEntry(key, null, 0, TsErrors.InvalidValue));
            }
            else if (ParseSampleTimestamp(arguments[i + 1], out long? timestamp) is { } timestampError)
            {
                entries.Add(new MultiAddEntry(key, null, 0, timestampError));
            }
            else
            {
                entries.Add(new MultiAddEntry(key, timestamp, value));
            }
        }
        return entries;
    }

    /// <summary>TS.INCRBY (<paramref name="decrement"/> false) or TS.DECRBY (true).</summary>
    public static TsResult<IncrementArguments> ParseIncrement(ReadOnlySpan<ReadOnlyMemory<byte>> arguments, bool decrement, SeriesOptions defaults)
    {
        if (arguments.Length < 2)
        {
            return TsResult<IncrementArguments>.Fail(Tokens.Arity(decrement ? "ts.decrby" : "ts.incrby"));
        }
        if (!Tokens.TryParseDouble(arguments[1], out double delta))
        {
            return TsResult<IncrementArguments>.Fail(TsErrors.InvalidDelta);
        }
        var parsed = new SeriesOptionsParser.Parsed();
        var allowed = SeriesOptionsParser.Allowed.Encoding | SeriesOptionsParser.Allowed.Timestamp;
        if (SeriesOptionsParser.TryParse(arguments[2..], allowed, parsed) is { } error)
        {
            return TsResult<IncrementArguments>.Fail(error);
        }
        return new IncrementArguments(arguments[0].ToArray(), decrement ? -delta : delta, parsed.Timestamp, parsed.ToSeriesOptions(defaults));
    }

    public static TsResult<DeleteArguments> ParseDelete(ReadOnlySpan<ReadOnlyMemory<byte>> arguments)
    {
        if (arguments.Length != 3)
        {
            return TsResult<DeleteArguments>.Fail(Tokens.Arity("ts.del"));
        }
        if (RangeOptionsParser.TryParseTimestamps(arguments[1], arguments[2], out long from, out long to) is { } error)
        {
            return TsResult<DeleteArguments>.Fail(error);
        }
        return new DeleteArguments(arguments[0].ToArray(), from, to);
    }

    public static TsResult<GetArguments> ParseGet(ReadOnlySpan<ReadOnlyMemory<byte>> arguments)
    {
        if (arguments.Length is < 1 or > 2)
        {
            return TsResult<GetArguments>.Fail(Tokens.Arity("ts.get"));
        }
        if (arguments.Length == 2 && !Tokens.Is(arguments[1], "LATEST"u8))
        {
            return TsResult<GetArguments>.Fail(TsErrors.WrongThirdArgument);
        }
        return new GetArguments(arguments[0].ToArray(), arguments.Length == 2);
    }

    public static TsResult<InfoArguments> ParseInfo(ReadOnlySpan<ReadOnlyMemory<byte>> arguments)
    {
        if (arguments.Length is < 1 or > 2)
        {
            return TsResult<InfoArguments>.Fail(Tokens.Arity("ts.info"));
        }
        if (arguments.Length == 2 && !Tokens.Is(arguments[1], "DEBUG"u8))
        {
            return TsResult<InfoArguments>.Fail(TsErrors.InvalidArgument);
        }
        return new InfoArguments(arguments[0].ToArray(), arguments.Length == 2);
    }

    /// <summary>TS.RANGE and TS.REVRANGE (same arguments).</summary>
    public static TsResult<RangeArguments> ParseRange(ReadOnlySpan<ReadOnlyMemory<byte>> arguments)
    {
        if (arguments.Length < 3)
        {
            return TsResult<RangeArguments>.Fail(Tokens.Arity("ts.range"));
        }
        if (RangeOptionsParser.TryParseTimestamps(arguments[1], arguments[2], out long from, out long to) is { } timestampError)
        {
            return TsResult<RangeArguments>.Fail(timestampError);
        }
        if (RangeOptionsParser.TryParse(arguments[3..], from, to, null, out RangeOptions options, out _,
            IsSymbol(arguments[1], "-"u8), IsSymbol(arguments[2], "+"u8)) is { } error)
        {
            return TsResult<RangeArguments>.Fail(error);
        }
        return new RangeArguments(arguments[0].ToArray(), options);
    }

    /// <summary>TS.MRANGE and TS.MREVRANGE (same arguments).</summary>
    /// <summary>TS.MRANGE, or TS.MREVRANGE when <paramref name="reverse"/> (it only names the command in arity errors).</summary>
    public static TsResult<MultiRangeArguments> ParseMultiRange(ReadOnlySpan<ReadOnlyMemory<byte>> arguments, bool reverse = false)
    {
        if (arguments.Length < 4)
        {
            return TsResult<MultiRangeArguments>.Fail(Tokens.Arity("ts.mrange"));
        }
        if (RangeOptionsParser.TryParseTimestamps(arguments[0], arguments[1], out long from, out long to) is { } timestampError)
        {
            return TsResult<MultiRangeArguments>.Fail(timestampError);
        }
        if (SplitMultiSeriesArguments(arguments[2..], reverse ? "ts.mrevrange" : "ts.mrange", out var rest, out LabelSelection labels,
                out List<LabelMatcher> filter, out GroupByOptions? groupBy) is { } splitError)
        {
            return TsResult<MultiRangeArguments>.Fail(splitError);
        }
        if (RangeOptionsParser.TryParse(rest.ToArray(), from, to, null, out RangeOptions options, out _,
            IsSymbol(arguments[0], "-"u8), IsSymbol(arguments[1], "+"u8)) is { } error)
        {
            return TsResult<MultiRangeArguments>.Fail(error);
        }
        return new MultiRangeArguments(options, labels, filter, groupBy);
    }

    public static TsResult<MultiGetArguments> ParseMultiGet(ReadOnlySpan<ReadOnlyMemory<byte>> arguments)
    {
        if (arguments.Length < 2)
        {
            return TsResult<MultiGetArguments>.Fail(Tokens.Arity("ts.mget"));
        }
        if (SplitMultiSeriesArguments(arguments, null, out var rest, out LabelSelection labels,
                out List<LabelMatcher> filter, out _) is { } splitError)
        {
            return TsResult<MultiGetArguments>.Fail(splitError);
        }
        bool latest = false;
        foreach (ReadOnlyMemory<byte> token in rest)
        {
            if (!Tokens.Is(token, "LATEST"u8))
            {
                return TsResult<MultiGetArguments>.Fail(TsErrors.InvalidArgument);
            }
            latest = true;
        }
        return new MultiGetArguments(latest, labels, filter);
    }

    public static TsResult<List<LabelMatcher>> ParseQueryIndex(ReadOnlySpan<ReadOnlyMemory<byte>> arguments)
    {
        if (arguments.Length < 1)
        {
            return TsResult<List<LabelMatcher>>.Fail(Tokens.Arity("ts.queryindex"));
        }
        if (FilterParser.TryParse(arguments, out List<LabelMatcher> matchers) is { } error)
        {
            return TsResult<List<LabelMatcher>>.Fail(error);
        }
        return matchers;
    }

    public static TsResult<CreateRuleArguments> ParseCreateRule(ReadOnlySpan<ReadOnlyMemory<byte>> arguments)
    {
        if (arguments.Length < 5)
        {
            return TsResult<CreateRuleArguments>.Fail(Tokens.Arity("ts.createrule"));
        }
        if (!Tokens.Is(arguments[2], "AGGREGATION"u8))
        {
            return TsResult<CreateRuleArguments>.Fail(TsErrors.InvalidAggregation);
        }
        if (!AggregationNames.TryParse(arguments[3].Span, out AggregationType type))
        {
            return TsResult<CreateRuleArguments>.Fail(TsErrors.UnknownAggregationType);
        }
        if (!Tokens.TryParseLong(arguments[4], out long duration) || duration <= 0)
        {
            return TsResult<CreateRuleArguments>.Fail(TsErrors.InvalidBucketDuration);
        }
        long align = 0;
        bool backfill = false;
        for (int i = 5; i < arguments.Length; i++)
        {
            if (Tokens.Is(arguments[i], "BACKFILL"u8))
            {
                backfill = true;
            }
            else if (i == 5 && Tokens.TryParseLong(arguments[i], out align) && align >= 0)
            {
                continue;
            }
            else
            {
                return TsResult<CreateRuleArguments>.Fail(TsErrors.InvalidArgument);
            }
        }
        return new CreateRuleArguments(arguments[0].ToArray(), arguments[1].ToArray(), type, duration, align, backfill);
    }

    public static TsResult<DeleteRuleArguments> ParseDeleteRule(ReadOnlySpan<ReadOnlyMemory<byte>> arguments)
    {
        if (arguments.Length != 2)
        {
            return TsResult<DeleteRuleArguments>.Fail(Tokens.Arity("ts.deleterule"));
        }
        return new DeleteRuleArguments(arguments[0].ToArray(), arguments[1].ToArray());
    }

    /// <summary>A sample timestamp: <c>*</c> (null: the caller's clock) or a non-negative integer.</summary>
    private static string? ParseSampleTimestamp(ReadOnlyMemory<byte> token, out long? timestamp)
    {
        timestamp = null;
        if (token.Span.SequenceEqual("*"u8))
        {
            return null;
        }
        if (!Tokens.TryParseLong(token, out long value))
        {
            return TsErrors.InvalidTimestamp;
        }
        if (value < 0)
        {
            return TsErrors.NegativeTimestamp;
        }
        timestamp = value;
        return null;
    }

    /// <summary>
    /// Takes WITHLABELS, SELECTED_LABELS names, FILTER expressions (tokens holding '=') and GROUPBY l REDUCE r out of the
    /// arguments and leaves the rest (range options) in <paramref name="rest"/>.
    /// </summary>
    /// <param name="rangeCommand">ts.mrange / ts.mrevrange (GROUPBY allowed), or null for TS.MGET.</param>
    private static string? SplitMultiSeriesArguments(
        ReadOnlySpan<ReadOnlyMemory<byte>> arguments,
        string? rangeCommand,
        out List<ReadOnlyMemory<byte>> rest,
        out LabelSelection labels,
        out List<LabelMatcher> filter,
        out GroupByOptions? groupBy)
    {
        rest = [];
        labels = LabelSelection.None;
        filter = [];
        groupBy = null;
        bool withLabels = false;
        List<string>? selected = null;
        bool sawFilter = false;
        int i = 0;
        while (i < arguments.Length)
        {
            ReadOnlyMemory<byte> token = arguments[i];
            if (Tokens.Is(token, "WITHLABELS"u8))
            {
                withLabels = true;
                i++;
            }
            else if (Tokens.Is(token, "SELECTED_LABELS"u8))
            {
                selected ??= [];
                i++;
                while (i < arguments.Length && !IsMultiRangeWord(arguments[i]))
                {
                    selected.Add(Tokens.Text(arguments[i]));
                    i++;
                }
                if (selected.Count == 0)
                {
                    return TsErrors.EmptySelectedLabels;
                }
            }
            else if (Tokens.Is(token, "FILTER"u8))
            {
                sawFilter = true;
                i++;
                int start = i;
                while (i < arguments.Length && arguments[i].Span.Contains((byte)'='))
                {
                    i++;
                }
                if (FilterParser.TryParse(arguments[start..i], out filter) is { } filterError)
                {
                    return filterError;
                }
            }
            else if (rangeCommand is not null && Tokens.Is(token, "GROUPBY"u8))
            {
                // RedisTimeSeries: GROUPBY label REDUCE reducer must end the command, else an arity error.
                if (i + 4 != arguments.Length || !Tokens.Is(arguments[i + 2], "REDUCE"u8))
                {
                    return Tokens.Arity(rangeCommand);
                }
                // RedisTimeSeries's reducers: every aggregator but first, last and twa (parseMultiSeriesReduceArgs).
                if (!AggregationNames.TryParse(arguments[i + 3].Span, out AggregationType reducer)
                    || reducer is AggregationType.TimeWeightedAverage or AggregationType.First or AggregationType.Last)
                {
                    return TsErrors.InvalidReducer;
                }
                groupBy = new GroupByOptions(Tokens.Text(arguments[i + 1]), reducer);
                i += 4;
            }
            else
            {
                rest.Add(token);
                i++;
            }
        }
        if (!sawFilter)
        {
            // TS.MRANGE says so; TS.MGET without FILTER is an arity error in RedisTimeSeries (parseMGetCommand).
            return rangeCommand is not null ? TsErrors.MissingFilter : Tokens.Arity("ts.mget");
        }
        if (withLabels && selected is not null)
        {
            return TsErrors.WithLabelsAndSelected;
        }
        labels = withLabels || selected is not null ? new LabelSelection(withLabels, selected) : LabelSelection.None;
        return null;
    }

    private static bool IsSymbol(ReadOnlyMemory<byte> token, ReadOnlySpan<byte> symbol) => token.Span.SequenceEqual(symbol);

    private static bool IsMultiRangeWord(ReadOnlyMemory<byte> token)
    {
        foreach (byte[] word in s_multiRangeWords)
        {
            if (Tokens.Is(token, word))
            {
                return true;
            }
        }
        return false;
    }
}

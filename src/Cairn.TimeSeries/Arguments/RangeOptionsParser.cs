using Cairn.TimeSeries.Aggregation;
using Cairn.TimeSeries.Query;

namespace Cairn.TimeSeries.Arguments;

/// <summary>
/// The range part of TS.RANGE / TS.REVRANGE / TS.MRANGE / TS.MREVRANGE: from, to, then LATEST, FILTER_BY_TS,
/// FILTER_BY_VALUE, COUNT, ALIGN, AGGREGATION, BUCKETTIMESTAMP, EMPTY in any order. Stops (without error) at a word it does
/// not own when <paramref name="stopWords"/> lists it, so the multi-series parser can take WITHLABELS, FILTER, GROUPBY.
/// </summary>
internal static class RangeOptionsParser
{
    /// <summary>A bound on FILTER_BY_TS, as RedisTimeSeries has (128 timestamps).</summary>
    public const int MaximumFilterTimestamps = 128;

    public static string? TryParseTimestamps(ReadOnlyMemory<byte> fromToken, ReadOnlyMemory<byte> toToken, out long from, out long to)
    {
        to = long.MaxValue;
        if (!TryParseBound(fromToken, "-"u8, 0, out from))
        {
            return TsErrors.InvalidFromTimestamp;
        }
        if (!TryParseBound(toToken, "+"u8, long.MaxValue, out to))
        {
            return TsErrors.InvalidToTimestamp;
        }
        return null;
    }

    /// <summary>Parses options from <paramref name="arguments"/> (after from and to); returns how many were consumed.</summary>
    public static string? TryParse(
        ReadOnlySpan<ReadOnlyMemory<byte>> arguments,
        long from,
        long to,
        Func<ReadOnlyMemory<byte>, bool>? isStopWord,
        out RangeOptions options,
        out int consumed,
        bool openStart = false,
        bool openEnd = false)
    {
        options = new RangeOptions { FromTimestamp = from, ToTimestamp = to };
        consumed = 0;
        bool alignGiven = false;
        bool bucketTimestampGiven = false;
        bool emptyGiven = false;
        AlignMode align = AlignMode.Zero;
        long alignTimestamp = 0;
        BucketTimestampMode bucketTimestamp = BucketTimestampMode.Start;
        AggregationType? aggregationType = null;
        long bucketDuration = 0;
        int i = 0;
        while (i < arguments.Length)
        {
            ReadOnlyMemory<byte> keyword = arguments[i];
            if (Tokens.Is(keyword, "LATEST"u8))
            {
                options = options with { Latest = true };
                i++;
            }
            else if (Tokens.Is(keyword, "FILTER_BY_TS"u8))
            {
                var timestamps = new List<long>();
                i++;
                // RedisTimeSeries reads timestamps up to the first token that is not one (a negative number included).
                while (i < arguments.Length && Tokens.TryParseLong(arguments[i], out long timestamp) && timestamp >= 0)
                {
                    if (timestamps.Count >= MaximumFilterTimestamps)
                    {
                        return TsErrors.TooManyFilterByTimestamps;
                    }
                    timestamps.Add(timestamp);
                    i++;
                }
                if (timestamps.Count == 0)
                {
                    return TsErrors.InvalidFilterByTimestamp;
                }
                timestamps.Sort();
                options = options with { FilterByTimestamps = [.. timestamps] };
            }
            else if (Tokens.Is(keyword, "FILTER_BY_VALUE"u8))
            {
                if (i + 2 >= arguments.Length)
                {
                    return TsErrors.MissingFilterByValue;
                }
                if (!Tokens.TryParseDouble(arguments[i + 1], out double minimum))
                {
                    return TsErrors.InvalidFilterByValue;
                }
                if (i + 2 >= arguments.Length || !Tokens.TryParseDouble(arguments[i + 2], out double maximum))
                {
                    return TsErrors.InvalidFilterByValueMaximum;
                }
                options = options with { FilterByValue = true, MinimumValue = minimum, MaximumValue = maximum };
                i += 3;
            }
            else if (Tokens.Is(keyword, "COUNT"u8))
            {
                if (i + 1 >= arguments.Length)
                {
                    return TsErrors.MissingCount;
                }
                if (!Tokens.TryParseLong(arguments[i + 1], out long count) || count < 0)
                {
                    return TsErrors.InvalidCount;
                }
                options = options with { Count = count };
                i += 2;
            }
            else if (Tokens.Is(keyword, "ALIGN"u8))
            {
                if (i + 1 >= arguments.Length)
                {
                    return TsErrors.InvalidAlign;
                }
                ReadOnlyMemory<byte> value = arguments[i + 1];
                if (value.Span.SequenceEqual("-"u8) || Tokens.Is(value, "start"u8))
                {
                    align = AlignMode.Start;
                }
                else if (value.Span.SequenceEqual("+"u8) || Tokens.Is(value, "end"u8))
                {
                    align = AlignMode.End;
                }
                else if (Tokens.TryParseLong(value, out alignTimestamp))
                {
                    align = AlignMode.Timestamp;
                }
                else
                {
                    return TsErrors.InvalidAlign;
                }
                alignGiven = true;
                i += 2;
            }
            else if (Tokens.Is(keyword, "AGGREGATION"u8))
            {
                // As _parseAggregationArgs: both words present and the duration an integer, then the type, then the sign.
                if (i + 2 >= arguments.Length || !Tokens.TryParseLong(arguments[i + 2], out bucketDuration))
                {
                    return TsErrors.InvalidAggregation;
                }
                if (!AggregationNames.TryParse(arguments[i + 1].Span, out AggregationType type))
                {
                    return TsErrors.UnknownAggregationType;
                }
                if (bucketDuration <= 0)
                {
                    return TsErrors.InvalidBucketDuration;
                }
                aggregationType = type;
                i += 3;
            }
            else if (Tokens.Is(keyword, "BUCKETTIMESTAMP"u8))
            {
                if (i + 1 >= arguments.Length || !TryParseBucketTimestamp(arguments[i + 1], out bucketTimestamp))
                {
                    return TsErrors.InvalidBucketTimestamp;
                }
                bucketTimestampGiven = true;
                i += 2;
            }
            else if (Tokens.Is(keyword, "EMPTY"u8))
            {
                emptyGiven = true;
                i++;
            }
            else if (isStopWord is not null && isStopWord(keyword))
            {
                break;
            }
            else
            {
                return TsErrors.InvalidArgument;
            }
        }
        if (aggregationType is null)
        {
            if (alignGiven)
            {
                return TsErrors.AlignWithoutAggregation;
            }
            if (bucketTimestampGiven)
            {
                return TsErrors.BucketTimestampWithoutAggregation;
            }
            if (emptyGiven)
            {
                return TsErrors.EmptyWithoutAggregation;
            }
        }
        else
        {
            // ALIGN start / end need a bound to align to (parseRangeArguments): '-' and '+' are not one.
            if (align == AlignMode.Start && openStart)
            {
                return TsErrors.StartAlignmentNeedsStart;
            }
            if (align == AlignMode.End && openEnd)
            {
                return TsErrors.EndAlignmentNeedsEnd;
            }
            options = options with
            {
                Align = align,
                AlignTimestamp = alignTimestamp,
                Aggregation = new AggregationOptions(aggregationType.Value, bucketDuration, bucketTimestamp, emptyGiven),
            };
        }
        consumed = i;
        return null;
    }

    private static bool TryParseBound(ReadOnlyMemory<byte> token, ReadOnlySpan<byte> symbol, long symbolValue, out long value)
    {
        if (token.Span.SequenceEqual(symbol))
        {
            value = symbolValue;
            return true;
        }
        return Tokens.TryParseLong(token, out value) && value >= 0;
    }

    private static bool TryParseBucketTimestamp(ReadOnlyMemory<byte> token, out BucketTimestampMode mode)
    {
        ReadOnlySpan<byte> span = token.Span;
        mode = BucketTimestampMode.Start;
        if (span.SequenceEqual("-"u8) || Tokens.Is(token, "start"u8) || Tokens.Is(token, "low"u8))
        {
            return true;
        }
        if (span.SequenceEqual("+"u8) || Tokens.Is(token, "end"u8) || Tokens.Is(token, "high"u8))
        {
            mode = BucketTimestampMode.End;
            return true;
        }
        if (span.SequenceEqual("~"u8) || Tokens.Is(token, "mid"u8))
        {
            mode = BucketTimestampMode.Mid;
            return true;
        }
        return false;
    }
}

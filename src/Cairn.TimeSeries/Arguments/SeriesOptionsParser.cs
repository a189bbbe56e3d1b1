using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Arguments;

/// <summary>
/// The series options shared by TS.CREATE, TS.ALTER, TS.ADD and TS.INCRBY/DECRBY. Options may come in any order; LABELS
/// takes every remaining argument as name/value pairs, as in RedisTimeSeries.
/// </summary>
internal static class SeriesOptionsParser
{
    [Flags]
    public enum Allowed
    {
        None = 0,
        Encoding = 1,
        OnDuplicate = 2,
        Timestamp = 4,
    }

    /// <summary>
    /// The parsed options, each null when absent. For TS.ADD, <see cref="OnDuplicate"/> holds ON_DUPLICATE; for TS.INCRBY,
    /// <see cref="Timestamp"/> holds TIMESTAMP (with <see cref="TimestampIsNow"/> for <c>*</c>).
    /// </summary>
    public sealed class Parsed
    {
        public long? RetentionMilliseconds { get; set; }

        public ChunkEncoding? Encoding { get; set; }

        public int? ChunkSizeBytes { get; set; }

        public DuplicatePolicy? DuplicatePolicy { get; set; }

        public DuplicatePolicy? OnDuplicate { get; set; }

        public long? IgnoreMaxTimeDifferenceMilliseconds { get; set; }

        public double? IgnoreMaxValueDifference { get; set; }

        public IReadOnlyList<Label>? Labels { get; set; }

        public long? Timestamp { get; set; }

        public bool TimestampIsNow { get; set; }

        public SeriesOptions ToSeriesOptions(SeriesOptions defaults) => defaults with
        {
            RetentionMilliseconds = RetentionMilliseconds ?? defaults.RetentionMilliseconds,
            Encoding = Encoding ?? defaults.Encoding,
            ChunkSizeBytes = ChunkSizeBytes ?? defaults.ChunkSizeBytes,
            DuplicatePolicy = DuplicatePolicy ?? defaults.DuplicatePolicy,
            IgnoreMaxTimeDifferenceMilliseconds = IgnoreMaxTimeDifferenceMilliseconds ?? defaults.IgnoreMaxTimeDifferenceMilliseconds,
            IgnoreMaxValueDifference = IgnoreMaxValueDifference ?? defaults.IgnoreMaxValueDifference,
            Labels = Labels ?? defaults.Labels,
        };
    }

    public static string? TryParse(ReadOnlySpan<ReadOnlyMemory<byte>> arguments, Allowed allowed, Parsed parsed)
    {
        int i = 0;
        while (i < arguments.Length)
        {
            ReadOnlyMemory<byte> keyword = arguments[i];
            bool hasValue = i + 1 < arguments.Length;
            if (Tokens.Is(keyword, "RETENTION"u8))
            {
                if (!hasValue || !Tokens.TryParseLong(arguments[i + 1], out long retention) || retention < 0)
                {
                    return TsErrors.InvalidRetention;
                }
                parsed.RetentionMilliseconds = retention;
                i += 2;
            }
            else if ((allowed & Allowed.Encoding) != 0 && Tokens.Is(keyword, "ENCODING"u8))
            {
                if (!hasValue)
                {
                    return TsErrors.InvalidEncoding;
                }
                if (Tokens.Is(arguments[i + 1], "COMPRESSED"u8))
                {
                    parsed.Encoding = ChunkEncoding.Compressed;
                }
                else if (Tokens.Is(arguments[i + 1], "UNCOMPRESSED"u8))
                {
                    parsed.Encoding = ChunkEncoding.Uncompressed;
                }
                else
                {
                    return TsErrors.InvalidEncoding;
                }
                i += 2;
            }
            else if ((allowed & Allowed.Encoding) != 0 && Tokens.Is(keyword, "UNCOMPRESSED"u8))
            {
                // The pre-1.6 spelling, still accepted by RedisTimeSeries.
                parsed.Encoding = ChunkEncoding.Uncompressed;
                i++;
            }
            else if (Tokens.Is(keyword, "CHUNK_SIZE"u8))
            {
                if (!hasValue || !Tokens.TryParseLong(arguments[i + 1], out long size))
                {
                    return TsErrors.InvalidChunkSize;
                }
                if (size < SeriesOptions.MinimumChunkSizeBytes || size > SeriesOptions.MaximumChunkSizeBytes || size % 8 != 0)
                {
                    return TsErrors.ChunkSizeRange;
                }
                parsed.ChunkSizeBytes = (int)size;
                i += 2;
            }
            else if (Tokens.Is(keyword, "DUPLICATE_POLICY"u8))
            {
                if (!hasValue || !TryParsePolicy(arguments[i + 1], out DuplicatePolicy policy))
                {
                    return TsErrors.InvalidDuplicatePolicy;
                }
                parsed.DuplicatePolicy = policy;
                i += 2;
            }
            else if ((allowed & Allowed.OnDuplicate) != 0 && Tokens.Is(keyword, "ON_DUPLICATE"u8))
            {
                if (!hasValue || !TryParsePolicy(arguments[i + 1], out DuplicatePolicy policy))
                {
                    return TsErrors.InvalidOnDuplicate;
                }
                parsed.OnDuplicate = policy;
                i += 2;
            }
            else if (Tokens.Is(keyword, "IGNORE"u8))
            {
                if (i + 2 >= arguments.Length
                    || !Tokens.TryParseLong(arguments[i + 1], out long maxTime) || maxTime < 0
                    || !Tokens.TryParseDouble(arguments[i + 2], out double maxValue) || !(maxValue >= 0))
                {
                    return TsErrors.InvalidIgnore;
                }
                parsed.IgnoreMaxTimeDifferenceMilliseconds = maxTime;
                parsed.IgnoreMaxValueDifference = maxValue;
                i += 3;
            }
            else if ((allowed & Allowed.Timestamp) != 0 && Tokens.Is(keyword, "TIMESTAMP"u8))
            {
                if (!hasValue)
                {
                    return TsErrors.InvalidTimestamp;
                }
                if (arguments[i + 1].Span.SequenceEqual("*"u8))
                {
                    parsed.TimestampIsNow = true;
                    parsed.Timestamp = null;
                }
                else if (!Tokens.TryParseLong(arguments[i + 1], out long timestamp))
                {
                    return TsErrors.InvalidTimestamp;
                }
                else if (timestamp < 0)
                {
                    return TsErrors.NegativeTimestamp;
                }
                else
                {
                    parsed.Timestamp = timestamp;
                }
                i += 2;
            }
            else if (Tokens.Is(keyword, "LABELS"u8))
            {
                int remaining = arguments.Length - i - 1;
                if (remaining % 2 != 0)
                {
                    return TsErrors.InvalidLabels;
                }
                var labels = new List<Label>(remaining / 2);
                for (int j = i + 1; j < arguments.Length; j += 2)
                {
                    string name = Tokens.Text(arguments[j]);
                    string value = Tokens.Text(arguments[j + 1]);
                    if (name.Length == 0 || value.Length == 0)
                    {
                        return TsErrors.InvalidLabels;
                    }
                    int existing = labels.FindIndex(label => label.Name == name);
                    if (existing >= 0)
                    {
                        labels[existing] = new Label(name, value);
                    }
                    else
                    {
                        labels.Add(new Label(name, value));
                    }
                }
                parsed.Labels = labels;
                i = arguments.Length;
            }
            else
            {
                return TsErrors.InvalidArgument;
            }
        }
        return null;
    }

    public static bool TryParsePolicy(ReadOnlyMemory<byte> token, out DuplicatePolicy policy)
    {
        policy = default;
        if (Tokens.Is(token, "BLOCK"u8))
        {
            policy = DuplicatePolicy.Block;
        }
        else if (Tokens.Is(token, "FIRST"u8))
        {
            policy = DuplicatePolicy.First;
        }
        else if (Tokens.Is(token, "LAST"u8))
        {
            policy = DuplicatePolicy.Last;
        }
        else if (Tokens.Is(token, "MIN"u8))
        {
            policy = DuplicatePolicy.Min;
        }
        else if (Tokens.Is(token, "MAX"u8))
        {
            policy = DuplicatePolicy.Max;
        }
        else if (Tokens.Is(token, "SUM"u8))
        {
            policy = DuplicatePolicy.Sum;
        }
        return policy != default;
    }
}

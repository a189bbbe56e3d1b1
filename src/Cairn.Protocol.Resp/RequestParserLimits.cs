namespace Cairn.Protocol.Resp;

/// <summary>Limits applied while parsing; Redis's names and defaults.</summary>
public sealed class RequestParserLimits
{
    /// <summary>PROTO_INLINE_MAX_SIZE: longest inline request, and longest "*N"/"$N" header line.</summary>
    public const int InlineMaxSizeBytes = 64 * 1024;

    /// <summary>proto-max-bulk-len.</summary>
    public long MaxBulkLengthBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Multibulk count limit (Redis: INT_MAX).</summary>
    public long MaxMultibulkLength { get; set; } = int.MaxValue;
}

namespace Cairn.TimeSeries.Series;

/// <summary>
/// The creation-time configuration of a series (TS.CREATE, or TS.ADD/TS.INCRBY creating one).
/// A null <see cref="DuplicatePolicy"/> means "the server default", reported by TS.INFO as nil as RedisTimeSeries does.
/// </summary>
public sealed record SeriesOptions
{
    public const int DefaultChunkSizeBytes = 4096;
    public const int MinimumChunkSizeBytes = 48;
    public const int MaximumChunkSizeBytes = 1048576;

    public long RetentionMilliseconds { get; init; }

    public ChunkEncoding Encoding { get; init; } = ChunkEncoding.Compressed;

    public int ChunkSizeBytes { get; init; } = DefaultChunkSizeBytes;

    public DuplicatePolicy? DuplicatePolicy { get; init; }

    public long IgnoreMaxTimeDifferenceMilliseconds { get; init; }

    public double IgnoreMaxValueDifference { get; init; }

    public IReadOnlyList<Label> Labels { get; init; } = [];
}

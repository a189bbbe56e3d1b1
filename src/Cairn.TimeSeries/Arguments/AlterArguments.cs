using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Arguments;

/// <summary>TS.ALTER: each null member is left unchanged; <see cref="Labels"/> when present replaces all labels.</summary>
public sealed record AlterArguments(byte[] Key)
{
    public long? RetentionMilliseconds { get; init; }

    public int? ChunkSizeBytes { get; init; }

    public DuplicatePolicy? DuplicatePolicy { get; init; }

    public long? IgnoreMaxTimeDifferenceMilliseconds { get; init; }

    public double? IgnoreMaxValueDifference { get; init; }

    public IReadOnlyList<Label>? Labels { get; init; }
}

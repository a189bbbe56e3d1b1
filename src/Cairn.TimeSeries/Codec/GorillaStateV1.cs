namespace Cairn.TimeSeries.Codec;

/// <summary>
/// The state of <see cref="GorillaChunkV1"/>'s encoder after some sample: where its bits end, and what the next sample is
/// encoded against. <see cref="LeadingZeros"/> is -1 before any value window was written.
/// </summary>
internal readonly record struct GorillaStateV1(
    long BitPosition,
    long Timestamp,
    long Delta,
    ulong ValueBits,
    ulong StoredBits,
    int Code,
    int LeadingZeros,
    int TrailingZeros);

namespace Cairn.TimeSeries.Codec;

/// <summary>
/// The state of <see cref="CompressedChunk"/>'s encoder after some sample: where its bits end, and what the next sample is
/// encoded against.
/// </summary>
internal readonly record struct EncoderState(long BitPosition, TimestampCoder Timestamps, ValueCoder Values);

using System.Runtime.CompilerServices;

namespace Cairn.TimeSeries.Codec;

/// <summary>
/// Timestamps as residuals against a grid that follows the series: an alpha-beta filter (fixed point, 8 fraction bits)
/// predicts each timestamp as <c>anchor + interval</c>, and the residual <c>t - prediction</c> is Rice-coded
/// (<see cref="AdaptiveRice"/>). Scrapers jitter around a schedule without accumulating the jitter, so a residual against
/// the grid spreads over the jitter's range once, where Gorilla's delta-of-delta spreads over four times it; the filter
/// (alpha 1/8, beta 1/64) still follows clocks that drift.
/// A residual beyond an eighth of the interval (a missed or moved scrape, or an irregular series) re-locks the grid on the
/// sample: anchor = t, interval = t - previous. A residual too large for the Rice code escapes, and the sample is written as
/// its delta-of-delta with a second adaptive Rice code (or raw); an escaped sample always re-locks.
/// All arithmetic is unchecked 64-bit integer arithmetic, identical in encoder and decoder, so any timestamps round-trip;
/// absurd ones (beyond 2^55 ms) only predict badly. A value type: copying it snapshots the state. Not thread-safe.
/// </summary>
internal struct TimestampCoder
{
    private const int FractionBits = 8;

    private long _anchor;
    private long _interval;
    private long _lastTimestamp;
    private long _lastDelta;
    private AdaptiveRice _residuals;
    private AdaptiveRice _relocks;

    public readonly long LastTimestamp => _lastTimestamp;

    public static TimestampCoder Start(long firstTimestamp) => new()
    {
        _anchor = unchecked(firstTimestamp << FractionBits),
        _interval = 0,
        _lastTimestamp = firstTimestamp,
        _lastDelta = 0,
        _residuals = AdaptiveRice.Initial,
        _relocks = AdaptiveRice.Initial,
    };

    public void Write(BitWriter writer, long timestamp)
    {
        unchecked
        {
            long residual = timestamp - Predict();
            ulong z = AdaptiveRice.ZigZag(residual);
            if (_residuals.TryWrite(writer, z))
            {
                _residuals.Update(z);
                Advance(timestamp, residual, escaped: false);
            }
            else
            {
                ulong deltaOfDelta = AdaptiveRice.ZigZag(timestamp - _lastTimestamp - _lastDelta);
                if (!_relocks.TryWrite(writer, deltaOfDelta))
                {
                    AdaptiveRice.WriteRaw(writer, deltaOfDelta);
                }
                _relocks.Update(deltaOfDelta);
                Advance(timestamp, residual, escaped: true);
            }
        }
    }

    public long Read(ref BitReader reader)
    {
        unchecked
        {
            long timestamp;
            if (_residuals.TryRead(ref reader, out ulong z))
            {
                _residuals.Update(z);
                long residual = AdaptiveRice.UnZigZag(z);
                timestamp = Predict() + residual;
                Advance(timestamp, residual, escaped: false);
            }
            else
            {
                if (!_relocks.TryRead(ref reader, out ulong deltaOfDelta))
                {
                    deltaOfDelta = AdaptiveRice.ReadRaw(ref reader);
                }
                _relocks.Update(deltaOfDelta);
                timestamp = _lastTimestamp + _lastDelta + AdaptiveRice.UnZigZag(deltaOfDelta);
                Advance(timestamp, 0, escaped: true);
            }
            return timestamp;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly long Predict() => unchecked((_anchor + _interval + (1L << (FractionBits - 1))) >> FractionBits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Advance(long timestamp, long residual, bool escaped)
    {
        unchecked
        {
            long delta = timestamp - _lastTimestamp;
            long limit = Math.Max(0, _interval >> (FractionBits + 3));
            if (escaped || residual > limit || residual < -limit)
            {
                _anchor = timestamp << FractionBits;
                _interval = delta << FractionBits;
            }
            else
            {
                _anchor += _interval + (residual << (FractionBits - 3));
                _interval += residual << (FractionBits - 6);
            }
            _lastDelta = delta;
            _lastTimestamp = timestamp;
        }
    }
}

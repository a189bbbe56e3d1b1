using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cairn.TimeSeries.Codec;

/// <summary>
/// Values, each relative to the previous one:
/// <code>
///   0                      the same bits as the previous value
///   1 0 body               same scale as the previous value
///   1 1 scale(4) body      a new scale (0..14 decimals, 15 = raw)
/// </code>
/// At a decimal scale (<see cref="DecimalScale"/>) the body codes the scaled integer n: with the same scale, the residual
/// <c>n - n_prev - prediction</c>, shifted right by the trailing zeros the last eight deltas shared (byte counts moving in
/// 4 KiB pages), zigzagged and Rice-coded (<see cref="AdaptiveRice"/>; raw and unshifted after an escape), where the
/// prediction is 0 (gauges) or the previous delta (counters), whichever had the smaller recent cost; after a change of scale,
/// <c>n - rescaled(n_prev)</c> zigzagged and written raw. At the raw scale the body is Gorilla's XOR of the bits with the
/// previous value's bits: <c>0</c> + the bits inside the previous window, or <c>1</c> + 5 bits leading zeros (at most 31)
/// + 6 bits length (64 as 0) + the bits. Monitoring values are mostly short decimals, and a small integer delta costs a
/// few bits where the XOR of two decimals' binary expansions costs dozens.
/// A value type: copying it snapshots the state. Not thread-safe.
/// </summary>
internal struct ValueCoder
{
    private const int CostWindowSamples = 32;
    private const ulong CostCap = 1UL << 40;
    private const int TrailingZeroWindow = 8;

    private int _scale;
    private long _scaled;
    private long _lastDelta;
    private ulong _bits;
    private AdaptiveRice _rice;
    private ulong _costDelta;
    private ulong _costDeltaOfDelta;
    private int _costCount;
    private ulong _trailingZeroHistory;
    private int _shift;
    private int _leadingZeros;
    private int _trailingZeros;

    public readonly ulong LastBits => _bits;

    public static ValueCoder Start(BitWriter writer, double value)
    {
        var coder = Initial(value);
        writer.WriteBits((ulong)coder._scale, 4);
        writer.WriteBits(coder._scale == DecimalScale.Raw ? coder._bits : (ulong)coder._scaled, 64);
        return coder;
    }

    public static ValueCoder Start(ref BitReader reader, out double value)
    {
        int scale = (int)reader.ReadBits(4);
        ulong payload = reader.ReadBits(64);
        value = scale == DecimalScale.Raw ? BitConverter.UInt64BitsToDouble(payload) : DecimalScale.Restore((long)payload, scale);
        var coder = Initial(value);
        coder._scale = scale;
        coder._scaled = scale == DecimalScale.Raw ? 0 : (long)payload;
        return coder;
    }

    private static ValueCoder Initial(double value)
    {
        int scale = DecimalScale.Choose(value, DecimalScale.Raw, null, out long scaled);
        return new ValueCoder
        {
            _scale = scale,
            _scaled = scaled,
            _bits = BitConverter.DoubleToUInt64Bits(value),
            _rice = AdaptiveRice.Initial,
            _leadingZeros = -1,
        };
    }

    public void Write(BitWriter writer, double value)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        if (bits == _bits)
        {
            writer.WriteBit(false);
            _lastDelta = 0;
            return;
        }
        int scale = DecimalScale.Choose(value, _scale, BitConverter.UInt64BitsToDouble(_bits), out long scaled);
        if (scale == _scale)
        {
            writer.WriteBits(0b10, 2);
            if (scale == DecimalScale.Raw)
            {
                WriteWindow(writer, bits ^ _bits);
            }
            else
            {
                long delta = unchecked(scaled - _scaled);
                long residual = unchecked(delta - Prediction());
                int shift = Shift();
                // A residual with fewer trailing zeros than the shift, or too large for the Rice code, is the escape (written
                // here, or by TryWrite) and the whole residual.
                if ((residual & ((1L << shift) - 1)) != 0)
                {
                    AdaptiveRice.WriteEscape(writer);
                    AdaptiveRice.WriteRaw(writer, AdaptiveRice.ZigZag(residual));
                }
                else if (!_rice.TryWrite(writer, AdaptiveRice.ZigZag(residual >> shift)))
                {
                    AdaptiveRice.WriteRaw(writer, AdaptiveRice.ZigZag(residual));
                }
                Learn(AdaptiveRice.ZigZag(residual) >> shift, delta);
            }
        }
        else
        {
            writer.WriteBits((0b11UL << 4) | (uint)scale, 6);
            if (scale == DecimalScale.Raw)
            {
                WriteWindow(writer, bits ^ _bits);
            }
            else
            {
                AdaptiveRice.WriteRaw(writer, AdaptiveRice.ZigZag(unchecked(scaled - Rescaled(scale))));
                Restart();
            }
        }
        _scale = scale;
        _scaled = scaled;
        _bits = bits;
    }

    public double Read(ref BitReader reader)
    {
        if (!reader.ReadBit())
        {
            _lastDelta = 0;
            return BitConverter.UInt64BitsToDouble(_bits);
        }
        int scale = reader.ReadBit() ? (int)reader.ReadBits(4) : _scale;
        double value;
        if (scale == DecimalScale.Raw)
        {
            _bits ^= ReadWindow(ref reader);
            _scaled = 0;
            value = BitConverter.UInt64BitsToDouble(_bits);
        }
        else
        {
            long scaled;
            if (scale == _scale)
            {
                int shift = Shift();
                long residual = _rice.TryRead(ref reader, out ulong z)
                    ? AdaptiveRice.UnZigZag(z) << shift
                    : AdaptiveRice.UnZigZag(AdaptiveRice.ReadRaw(ref reader));
                long delta = unchecked(residual + Prediction());
                scaled = unchecked(_scaled + delta);
                Learn(AdaptiveRice.ZigZag(residual) >> shift, delta);
            }
            else
            {
                scaled = unchecked(Rescaled(scale) + AdaptiveRice.UnZigZag(AdaptiveRice.ReadRaw(ref reader)));
                Restart();
            }
            _scaled = scaled;
            value = DecimalScale.Restore(scaled, scale);
            _bits = BitConverter.DoubleToUInt64Bits(value);
        }
        _scale = scale;
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly long Prediction() => _costDeltaOfDelta < _costDelta ? _lastDelta : 0;

    private readonly long Rescaled(int scale) => _scale == DecimalScale.Raw ? 0 : DecimalScale.Rescale(_scaled, _scale, scale);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    /// <summary>
    /// The trailing zero bits every one of the last eight deltas had (byte counts move in pages, prices in cents at a
    /// finer scale): residuals are coded shifted right by it. 0 until eight deltas were seen at this scale.
    /// </summary>
    private int Shift()
    {
        int shift = 63;
        ulong history = _trailingZeroHistory;
        for (int i = 0; i < TrailingZeroWindow; i++)
        {
            shift = Math.Min(shift, (int)(history & 63));
            history >>= 6;
        }
        if (shift != _shift)
        {
            // The Rice statistics were learnt on values shifted by the old amount.
            _rice.Rescale(shift - _shift);
            _shift = shift;
        }
        return shift;
    }

    private void Learn(ulong z, long delta)
    {
        int trailing = delta == 0 ? 63 : Math.Min(63, BitOperations.TrailingZeroCount(delta));
        _trailingZeroHistory = ((_trailingZeroHistory << 6) | (uint)trailing) & ((1UL << (6 * TrailingZeroWindow)) - 1);
        _rice.Update(z);
        _costDelta += Math.Min(AdaptiveRice.ZigZag(delta), CostCap);
        _costDeltaOfDelta += Math.Min(AdaptiveRice.ZigZag(unchecked(delta - _lastDelta)), CostCap);
        if (++_costCount >= CostWindowSamples)
        {
            _costDelta >>= 1;
            _costDeltaOfDelta >>= 1;
            _costCount >>= 1;
        }
        _lastDelta = delta;
    }

    /// <summary>A new scale changes the magnitude of every residual: forget what was learnt.</summary>
    private void Restart()
    {
        _trailingZeroHistory = 0;
        _shift = 0;
        _rice = AdaptiveRice.Initial;
        _costDelta = 0;
        _costDeltaOfDelta = 0;
        _costCount = 0;
        _lastDelta = 0;
    }

    private void WriteWindow(BitWriter writer, ulong xor)
    {
        int leading = Math.Min(BitOperations.LeadingZeroCount(xor), 31);
        int trailing = BitOperations.TrailingZeroCount(xor);
        if (_leadingZeros >= 0 && leading >= _leadingZeros && trailing >= _trailingZeros)
        {
            writer.WriteBit(false);
            writer.WriteBits(xor >> _trailingZeros, 64 - _leadingZeros - _trailingZeros);
            return;
        }
        int length = 64 - leading - trailing;
        writer.WriteBits((1UL << 11) | ((ulong)(uint)leading << 6) | (uint)(length & 63), 12);
        writer.WriteBits(xor >> trailing, length);
        _leadingZeros = leading;
        _trailingZeros = trailing;
    }

    private ulong ReadWindow(ref BitReader reader)
    {
        if (reader.ReadBit())
        {
            int leading = (int)reader.ReadBits(5);
            int length = (int)reader.ReadBits(6);
            if (length == 0)
            {
                length = 64;
            }
            Cairn.Primitives.Invariant.Require(leading + length <= 64, "corrupt value window");
            _leadingZeros = leading;
            _trailingZeros = 64 - leading - length;
        }
        Cairn.Primitives.Invariant.Require(_leadingZeros >= 0, "value window used before it was set");
        int meaningful = 64 - _leadingZeros - _trailingZeros;
        return reader.ReadBits(meaningful) << _trailingZeros;
    }
}

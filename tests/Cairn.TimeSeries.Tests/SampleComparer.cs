namespace Cairn.TimeSeries.Tests;

/// <summary>Sample equality that tells NaN payloads and -0 apart, or (for computed results) a relative tolerance.</summary>
internal sealed class SampleComparer : IEqualityComparer<Sample>
{
    private readonly double _tolerance;

    private SampleComparer(double tolerance)
    {
        _tolerance = tolerance;
    }

    public static SampleComparer BitExact { get; } = new(0);

    public static SampleComparer Approximate { get; } = new(1e-9);

    public bool Equals(Sample x, Sample y)
    {
        if (x.Timestamp != y.Timestamp)
        {
            return false;
        }
        if (_tolerance == 0)
        {
            return BitConverter.DoubleToUInt64Bits(x.Value) == BitConverter.DoubleToUInt64Bits(y.Value);
        }
        if (double.IsNaN(x.Value) || double.IsNaN(y.Value))
        {
            return double.IsNaN(x.Value) && double.IsNaN(y.Value);
        }
        if (x.Value == y.Value)
        {
            return true;
        }
        double scale = Math.Max(1, Math.Max(Math.Abs(x.Value), Math.Abs(y.Value)));
        return Math.Abs(x.Value - y.Value) <= _tolerance * scale;
    }

    public int GetHashCode(Sample obj) => obj.Timestamp.GetHashCode();
}

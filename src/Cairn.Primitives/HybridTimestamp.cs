namespace Cairn.Primitives;

/// <summary>
/// A hybrid logical clock timestamp: 48 bits of physical milliseconds and 16 bits of logical counter packed in one ulong,
/// so timestamps compare as integers. Zero means "no version".
/// </summary>
public readonly record struct HybridTimestamp(ulong Value) : IComparable<HybridTimestamp>
{
    public const int LogicalBits = 16;

    public static HybridTimestamp Zero => default;

    public long PhysicalMilliseconds => (long)(Value >> LogicalBits);

    public int Logical => (int)(Value & 0xFFFF);

    public static HybridTimestamp Create(long physicalMilliseconds, int logical) =>
        new(((ulong)physicalMilliseconds << LogicalBits) | (uint)(logical & 0xFFFF));

    public int CompareTo(HybridTimestamp other) => Value.CompareTo(other.Value);

    public static bool operator <(HybridTimestamp a, HybridTimestamp b) => a.Value < b.Value;

    public static bool operator >(HybridTimestamp a, HybridTimestamp b) => a.Value > b.Value;

    public static bool operator <=(HybridTimestamp a, HybridTimestamp b) => a.Value <= b.Value;

    public static bool operator >=(HybridTimestamp a, HybridTimestamp b) => a.Value >= b.Value;

    public override string ToString() => $"{PhysicalMilliseconds}.{Logical}";
}

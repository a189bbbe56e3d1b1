namespace Cairn.Engine.Lsm.Keys;

/// <summary>Bytewise order of user keys, the only order the engine offers.</summary>
internal sealed class UserKeyComparer : IComparer<byte[]>
{
    public static UserKeyComparer Instance { get; } = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}

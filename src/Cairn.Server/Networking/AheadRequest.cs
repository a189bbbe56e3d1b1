using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Server.Networking;

/// <summary>
/// Where the first request of a client's just-received input names its key and the two arguments after it (a member or a
/// field, or a score and then a member), for <see cref="ReadyKeysPrefetcher"/>. Offsets are relative to
/// <see cref="Offset"/> in <see cref="Input"/>; a length of -1 means the request lacks that argument. A hint only: the
/// buffer may change under it once the loop moves on, so it is read within one prefetch pass and never trusted.
/// </summary>
internal struct AheadRequest
{
    public Database? Database;
    public byte[]? Input;
    public int Offset;
    public int KeyHash;
    public int KeyStart;
    public int KeyLength;
    public int Arg2Start;
    public int Arg2Length;
    public int Arg3Start;
    public int Arg3Length;

    public readonly ReadOnlySpan<byte> Buffer => Input.AsSpan(Offset);

    public readonly ReadOnlySpan<byte> Key => Buffer.Slice(KeyStart, KeyLength);
}

using System.Runtime.CompilerServices;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Server.Networking;

/// <summary>
/// Where the first request of a client's just-received input has its first <see cref="Args"/> arguments (the name, the
/// key, and the two after it: a member or a field, or a score and then a member), for <see cref="ReadyKeysPrefetcher"/>.
/// Offsets are relative to <see cref="Offset"/> in <see cref="Input"/>, as <see cref="Cairn.Protocol.Resp.RequestParser.TrySkipFrame"/>
/// gives them; a length of -1 means the request lacks that argument. A hint only: the buffer may change under it once
/// the loop moves on, so it is read within one prefetch pass and never trusted.
/// </summary>
internal struct AheadRequest
{
    public const int Args = 4;

    public Database? Database;
    public byte[]? Input;
    public int Offset;
    public int KeyHash;
    public ArgumentOffsets Starts;
    public ArgumentOffsets Lengths;

    public readonly ReadOnlySpan<byte> Buffer => Input.AsSpan(Offset);

    public readonly ReadOnlySpan<byte> Key => Buffer.Slice(Starts[1], Lengths[1]);

    [InlineArray(Args)]
    public struct ArgumentOffsets
    {
        private int _first;
    }
}

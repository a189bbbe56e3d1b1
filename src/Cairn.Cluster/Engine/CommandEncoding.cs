using Cairn.Primitives;
using Cairn.Protocol.Resp;

namespace Cairn.Cluster.Engine;

/// <summary>
/// How a client's command travels in <c>Operation.Command</c>: the client's protocol (2 or 3, so the replica answers in the
/// client's dialect), the number of commands (more than one for a forwarded MULTI ... EXEC), then each command as an
/// argument count and length-prefixed arguments. The reply returned is the last command's.
/// </summary>
internal static class CommandEncoding
{
    public const int MaxArguments = 1 << 20;

    public static byte[] Encode(RespVersion protocol, IReadOnlyList<byte[][]> commands)
    {
        // Sized exactly and written in place: a growing writer cost its object and a 256-byte buffer per routed request,
        // plus the copy to a right-sized array (about 300 of the coordinator's ~2.7 KB allocated per GET).
        int length = 1 + Varint.SizeOf((ulong)commands.Count);
        for (int c = 0; c < commands.Count; c++)
        {
            byte[][] command = commands[c];
            length += Varint.SizeOf((ulong)command.Length);
            foreach (byte[] argument in command)
            {
                length += Varint.SizeOf((ulong)argument.Length) + argument.Length;
            }
        }
        var bytes = new byte[length];
        Span<byte> span = bytes;
        span[0] = protocol == RespVersion.Resp3 ? (byte)3 : (byte)2;
        int position = 1 + Varint.Write(span[1..], (ulong)commands.Count);
        for (int c = 0; c < commands.Count; c++)
        {
            byte[][] command = commands[c];
            position += Varint.Write(span[position..], (ulong)command.Length);
            foreach (byte[] argument in command)
            {
                position += Varint.Write(span[position..], (ulong)argument.Length);
                argument.CopyTo(span[position..]);
                position += argument.Length;
            }
        }
        Invariant.Require(position == length, "encoded exactly the size computed");
        return bytes;
    }

    public static bool TryDecode(byte[] bytes, out RespVersion protocol, out List<byte[][]> commands)
    {
        protocol = RespVersion.Resp2;
        commands = [];
        var reader = new Cairn.Replication.Protocol.PeerMessageCodec.Reader(bytes);
        if (!reader.Byte(out byte version) || !reader.Count(out int count))
        {
            return false;
        }
        protocol = version == 3 ? RespVersion.Resp3 : RespVersion.Resp2;
        for (int c = 0; c < count; c++)
        {
            if (!reader.Count(out int argc) || argc == 0)
            {
                return false;
            }
            var command = new byte[argc][];
            for (int i = 0; i < argc; i++)
            {
                if (!reader.Bytes(out command[i]))
                {
                    return false;
                }
            }
            commands.Add(command);
        }
        Invariant.Require(commands.Count == count, "decoded every command");
        return reader.AtEnd;
    }
}

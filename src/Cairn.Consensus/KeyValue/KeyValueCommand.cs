using System.Buffers;
using Cairn.Consensus.Codec;

namespace Cairn.Consensus.KeyValue;

/// <summary>A write to the replicated key-value map, as carried in an entry's data: opcode, length-prefixed key, length-prefixed value.</summary>
public sealed record KeyValueCommand(KeyValueOperation Operation, byte[] Key, byte[] Value)
{
    public const int MaxKeyBytes = 64 * 1024;
    public const int MaxValueBytes = 16 * 1024 * 1024;

    public static KeyValueCommand Put(byte[] key, byte[] value) => new(KeyValueOperation.Put, key, value);

    public static KeyValueCommand Delete(byte[] key) => new(KeyValueOperation.Delete, key, []);

    public byte[] Encode()
    {
        var buffer = new ArrayBufferWriter<byte>(Key.Length + Value.Length + 11);
        var writer = new PayloadWriter(buffer);
        writer.Byte((byte)Operation);
        writer.Bytes(Key);
        writer.Bytes(Value);
        return buffer.WrittenSpan.ToArray();
    }

    public static bool TryDecode(ReadOnlySpan<byte> data, out KeyValueCommand? command)
    {
        var reader = new PayloadReader(data);
        var operation = (KeyValueOperation)reader.Byte();
        byte[] key = reader.Bytes(MaxKeyBytes);
        byte[] value = reader.Bytes(MaxValueBytes);
        command = reader.Failed || !reader.AtEnd || !Enum.IsDefined(operation) ? null : new KeyValueCommand(operation, key, value);
        return command is not null;
    }
}

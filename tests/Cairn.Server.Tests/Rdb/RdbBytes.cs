using System.Buffers.Binary;
using System.Text;
using Cairn.Engine.Memory.Persistence.Rdb;

namespace Cairn.Server.Tests.Rdb;

/// <summary>
/// Hand-built RDB bytes for the encodings Redis 7.0 still reads but no longer writes (ziplists, zipmaps, text scores,
/// plain lists), and DUMP payload framing (RDB version + CRC64).
/// </summary>
public static class RdbBytes
{
    /// <summary>type + body + version (little-endian) + CRC64 of everything before it.</summary>
    public static byte[] Payload(byte type, byte[] body, int version = 10)
    {
        var bytes = new List<byte> { type };
        bytes.AddRange(body);
        bytes.Add((byte)version);
        bytes.Add((byte)(version >> 8));
        byte[] crc = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(crc, Crc64.Compute(bytes.ToArray()));
        bytes.AddRange(crc);
        return bytes.ToArray();
    }

    public static byte[] Concat(params byte[][] parts)
    {
        var all = new List<byte>();
        foreach (byte[] part in parts)
        {
            all.AddRange(part);
        }
        return all.ToArray();
    }

    /// <summary>An RDB string of fewer than 64 bytes, never integer-encoded.</summary>
    public static byte[] Str(string text) => Blob(Encoding.ASCII.GetBytes(text));

    /// <summary>An RDB string holding <paramref name="bytes"/> (length-prefixed).</summary>
    public static byte[] Blob(byte[] bytes)
    {
        var output = new RdbOutput();
        output.WriteLength((ulong)bytes.Length);
        output.WriteBytes(bytes);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Length(ulong length)
    {
        var output = new RdbOutput();
        output.WriteLength(length);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A ziplist of short strings and small integers (immediate 0..12, else int8/int16).</summary>
    public static byte[] Ziplist(params object[] entries)
    {
        var body = new List<byte>();
        int previous = 0;
        int lastStart = 10;
        foreach (object entry in entries)
        {
            var e = new List<byte> { (byte)previous };
            if (entry is string s)
            {
                byte[] b = Encoding.ASCII.GetBytes(s);
                e.Add((byte)b.Length);
                e.AddRange(b);
            }
            else
            {
                int v = (int)entry;
                if (v is >= 0 and <= 12)
                {
                    e.Add((byte)(0xf1 + v));
                }
                else if (v is >= sbyte.MinValue and <= sbyte.MaxValue)
                {
                    e.Add(0xfe);
                    e.Add((byte)(sbyte)v);
                }
                else
                {
                    e.Add(0xc0);
                    e.Add((byte)v);
                    e.Add((byte)(v >> 8));
                }
            }
            lastStart = 10 + body.Count;
            previous = e.Count;
            body.AddRange(e);
        }
        byte[] zl = new byte[10 + body.Count + 1];
        BinaryPrimitives.WriteUInt32LittleEndian(zl, (uint)zl.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(zl.AsSpan(4), (uint)lastStart);
        BinaryPrimitives.WriteUInt16LittleEndian(zl.AsSpan(8), (ushort)entries.Length);
        body.CopyTo(zl, 10);
        zl[^1] = 0xff;
        return zl;
    }

    /// <summary>A zipmap of short field/value pairs.</summary>
    public static byte[] Zipmap(params string[] pairs)
    {
        var zm = new List<byte> { (byte)(pairs.Length / 2) };
        for (int i = 0; i < pairs.Length; i += 2)
        {
            byte[] field = Encoding.ASCII.GetBytes(pairs[i]);
            byte[] value = Encoding.ASCII.GetBytes(pairs[i + 1]);
            zm.Add((byte)field.Length);
            zm.AddRange(field);
            zm.Add((byte)value.Length);
            zm.Add(0); // free bytes
            zm.AddRange(value);
        }
        zm.Add(0xff);
        return zm.ToArray();
    }

    public static byte[] Listpack(params string[] elements)
    {
        var builder = new ListpackBuilder();
        foreach (string element in elements)
        {
            builder.Append(Encoding.ASCII.GetBytes(element));
        }
        return builder.ToArray();
    }
}

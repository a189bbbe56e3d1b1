using System.Text;
using Cairn.Engine.Memory.Persistence.Rdb;

namespace Cairn.Server.Tests.Rdb;

public sealed class RdbCodecTests
{
    [Fact]
    public void Crc64MatchesRedisCheckValue()
    {
        Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64.Compute("123456789"u8));
        Assert.Equal(0UL, Crc64.Compute([]));
    }

    [Fact]
    public void Crc64CanBeComputedIncrementally()
    {
        byte[] data = Encoding.ASCII.GetBytes("the quick brown fox jumps over the lazy dog");
        Assert.Equal(Crc64.Compute(data), Crc64.Compute(data.AsSpan(10), Crc64.Compute(data.AsSpan(0, 10))));
    }

    [Fact]
    public void LzfDecompressesLiteralsAndOverlappingBackReferences()
    {
        byte[] output = new byte[13];
        // "abc" literal, then a back reference of 10 bytes at distance 3 ("abcabcabca").
        int n = Lzf.Decompress([0x02, (byte)'a', (byte)'b', (byte)'c', 0xe0, 0x01, 0x02], output);
        Assert.Equal(13, n);
        Assert.Equal("abcabcabcabca", Encoding.ASCII.GetString(output));
    }

    [Fact]
    public void LzfRejectsReferencesBeforeTheStartAndOverlongOutput()
    {
        Assert.Equal(-1, Lzf.Decompress([0x20, 0x00], new byte[10]));
        Assert.Equal(-1, Lzf.Decompress([0x02, (byte)'a', (byte)'b', (byte)'c'], new byte[2]));
    }

    [Fact]
    public void ListpackBuilderUsesTheSmallestEncodings()
    {
        var builder = new ListpackBuilder();
        foreach (string element in new[] { "5", "-1", "4095", "-4096", "32767", "8388607", "2147483647", "9223372036854775807", "01", "x" })
        {
            builder.Append(Encoding.ASCII.GetBytes(element));
        }
        byte[] listpack = builder.ToArray();
        var decoded = new List<byte[]>();
        Assert.True(ListpackDecoder.TryDecode(listpack, decoded));
        Assert.Equal(
            new[] { "5", "-1", "4095", "-4096", "32767", "8388607", "2147483647", "9223372036854775807", "01", "x" },
            decoded.ConvertAll(Encoding.ASCII.GetString));
        // header 6 + 5:1+1, -1:2+1, 4095:2+1, -4096:2+1, 32767:3+1, 8388607:4+1, int32:5+1, int64:9+1, "01":3+1, "x":2+1 + end 1
        Assert.Equal(6 + 2 + 3 + 3 + 3 + 4 + 5 + 6 + 10 + 4 + 3 + 1, listpack.Length);
    }

    [Fact]
    public void ListpackWithALongStringRoundTrips()
    {
        var builder = new ListpackBuilder();
        builder.Append(new byte[5000]);
        builder.Append(new byte[200]);
        var decoded = new List<byte[]>();
        Assert.True(ListpackDecoder.TryDecode(builder.ToArray(), decoded));
        Assert.Equal(5000, decoded[0].Length);
        Assert.Equal(200, decoded[1].Length);
    }

    [Fact]
    public void ZiplistDecoderRejectsAWrongPrevlen()
    {
        byte[] ziplist = RdbBytes.Ziplist("a", "b");
        var decoded = new List<byte[]>();
        Assert.True(ZiplistDecoder.TryDecode(ziplist, decoded));
        ziplist[13] = 9; // second entry's prevlen
        Assert.False(ZiplistDecoder.TryDecode(ziplist, new List<byte[]>()));
    }

    [Fact]
    public void IntsetPicksTheNarrowestWidthAndRejectsUnsortedMembers()
    {
        Assert.Equal(2, IntsetCodec.Encode([1, 2])[0]);
        Assert.Equal(4, IntsetCodec.Encode([1, 100000])[0]);
        Assert.Equal(8, IntsetCodec.Encode([-5000000000, 1])[0]);
        byte[] blob = IntsetCodec.Encode([1, 2]);
        (blob[8], blob[10]) = (blob[10], blob[8]);
        Assert.False(IntsetCodec.TryDecode(blob, new List<long>()));
    }

    [Fact]
    public void ScoresFormatAsRedis70D2String()
    {
        static string Format(double v)
        {
            byte[] buffer = new byte[RdbNumbers.MaxDoubleChars];
            return Encoding.ASCII.GetString(buffer, 0, RdbNumbers.FormatDouble(v, buffer));
        }
        Assert.Equal("2.5", Format(2.5));
        Assert.Equal("-0.10000000000000001", Format(-0.1));
        Assert.Equal("-0", Format(-0.0));
        Assert.Equal("inf", Format(double.PositiveInfinity));
        Assert.Equal("100", Format(100));
        Assert.Equal("1.0000000000000001e-05", Format(1e-5));
        Assert.Equal("123456789.123", Format(123456789.123));
        Assert.Equal("1e+20", Format(1e20));
    }
}

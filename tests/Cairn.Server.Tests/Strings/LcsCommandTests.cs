using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Strings;

public sealed class LcsCommandTests : IClassFixture<StringsFixture>
{
    private readonly StringsFixture _fixture;
    private readonly TestServer _server;

    public LcsCommandTests(StringsFixture fixture)
    {
        _fixture = fixture;
        _server = fixture.Server;
    }

    [Fact]
    public void LcsStringLengthAndIndexesAsInTheRedisDocs()
    {
        using RawClient client = _server.Raw();
        client.Execute("MSET", "lcs:key1", "ohmytext", "lcs:key2", "mynewtext");
        Assert.Equal("mytext", client.Execute("LCS", "lcs:key1", "lcs:key2"));
        Assert.Equal(":6", client.Execute("LCS", "lcs:key1", "lcs:key2", "LEN"));
        Assert.Equal("[matches, [[[:4, :7], [:5, :8]], [[:2, :3], [:0, :1]]], len, :6]", client.Execute("LCS", "lcs:key1", "lcs:key2", "IDX"));
        Assert.Equal("[matches, [[[:4, :7], [:5, :8]]], len, :6]", client.Execute("LCS", "lcs:key1", "lcs:key2", "IDX", "MINMATCHLEN", "4"));
        Assert.Equal("[matches, [[[:4, :7], [:5, :8], :4]], len, :6]", client.Execute("LCS", "lcs:key1", "lcs:key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"));
        Assert.Equal("[matches, [[[:4, :7], [:5, :8], :4], [[:2, :3], [:0, :1], :2]], len, :6]", client.Execute("LCS", "lcs:key1", "lcs:key2", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "-5"));
    }

    [Fact]
    public void LcsIdxIsAMapInResp3()
    {
        using RawClient client = _server.Raw();
        client.Execute("HELLO", "3");
        client.Execute("MSET", "lcs3:a", "abc", "lcs3:b", "xbc");
        Assert.Equal("{matches: [[[:1, :2], [:1, :2]]], len: :2}", client.Execute("LCS", "lcs3:a", "lcs3:b", "IDX"));
    }

    [Fact]
    public void LcsOfMissingKeysIsEmpty()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "lcsm:a", "abc");
        Assert.Equal("", client.Execute("LCS", "lcsm:a", "lcsm:missing"));
        Assert.Equal(":0", client.Execute("LCS", "lcsm:missing", "lcsm:missing2", "LEN"));
        Assert.Equal("[matches, [], len, :0]", client.Execute("LCS", "lcsm:missing", "lcsm:a", "IDX"));
    }

    [Fact]
    public void LcsErrors()
    {
        using RawClient client = _server.Raw();
        client.Execute("MSET", "lcse:a", "abc", "lcse:b", "abd");
        Assert.Equal("-ERR If you want both the length and indexes, please just use IDX.", client.Execute("LCS", "lcse:a", "lcse:b", "LEN", "IDX"));
        Assert.Equal("-ERR syntax error", client.Execute("LCS", "lcse:a", "lcse:b", "FOO"));
        Assert.Equal("-ERR syntax error", client.Execute("LCS", "lcse:a", "lcse:b", "MINMATCHLEN"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("LCS", "lcse:a", "lcse:b", "MINMATCHLEN", "x"));
        _fixture.PutList("lcse:list");
        Assert.Equal("-ERR The specified keys must contain string values", client.Execute("LCS", "lcse:a", "lcse:list"));
        Assert.Equal("-ERR wrong number of arguments for 'lcs' command", client.Execute("LCS", "lcse:a"));
    }

    [Fact]
    public void LcsIsACommonSubsequenceOfMaximalLength()
    {
        IDatabase db = _server.Database();
        var random = new Random(20260101);
        for (int round = 0; round < 40; round++)
        {
            string a = RandomText(random, random.Next(0, 40));
            string b = RandomText(random, random.Next(0, 40));
            db.StringSet("lcsp:a", a);
            db.StringSet("lcsp:b", b);
            string common = (string)db.Execute("LCS", "lcsp:a", "lcsp:b")!;
            long length = (long)db.Execute("LCS", "lcsp:a", "lcsp:b", "LEN");
            Assert.True(IsSubsequence(common, a) && IsSubsequence(common, b), $"round {round}: '{common}' of '{a}' and '{b}'");
            Assert.Equal(ModelLength(a, b), length);
            Assert.Equal(length, common.Length);
        }
    }

    private static string RandomText(Random random, int length)
    {
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = (char)('a' + random.Next(0, 4));
        }
        return new string(chars);
    }

    private static bool IsSubsequence(string needle, string haystack)
    {
        int j = 0;
        foreach (char c in haystack)
        {
            if (j < needle.Length && needle[j] == c)
            {
                j++;
            }
        }
        return j == needle.Length;
    }

    private static long ModelLength(string a, string b)
    {
        var table = new int[a.Length + 1, b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                table[i, j] = a[i - 1] == b[j - 1] ? table[i - 1, j - 1] + 1 : Math.Max(table[i - 1, j], table[i, j - 1]);
            }
        }
        return table[a.Length, b.Length];
    }
}

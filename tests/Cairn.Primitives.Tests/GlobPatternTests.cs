using System.Diagnostics;
using System.Text;
using Cairn.Primitives;

namespace Cairn.Primitives.Tests;

/// <summary>GlobPattern against Redis's stringmatchlen, including its quirks (cases traced through util.c).</summary>
public sealed class GlobPatternTests
{
    private static bool Match(string pattern, string text, bool ignoreCase = false) =>
        GlobPattern.IsMatch(Encoding.Latin1.GetBytes(pattern), Encoding.Latin1.GetBytes(text), ignoreCase);

    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("*", "", false)] // the loop never runs on an empty string: KEYS/SCAN special-case a lone "*"
    [InlineData("**", "", false)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("a*", "a", true)]
    [InlineData("a**", "a", true)]
    [InlineData("*a", "ba", true)]
    [InlineData("*a", "ab", false)]
    [InlineData("h*llo", "heeeello", true)]
    [InlineData("h*llo", "hllo", true)]
    [InlineData("*a*b", "xaxb", true)]
    [InlineData("*a*b", "xbxa", false)]
    [InlineData("a*b*c", "abxbc", true)]
    public void StarMatchesAnyRunIncludingNone(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData("?", "a", true)]
    [InlineData("?", "", false)]
    [InlineData("?", "ab", false)]
    [InlineData("h?llo", "hallo", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("??*", "ab", true)]
    [InlineData("??*", "a", false)]
    public void QuestionMarkMatchesExactlyOneByte(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData("h[ae]llo", "hello", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-b]llo", "hbllo", true)]
    [InlineData("h[a-b]llo", "hcllo", false)]
    [InlineData("[c-a]", "b", true)] // reversed ranges are swapped
    [InlineData("[^a-c]", "d", true)]
    [InlineData("[^a-c]", "b", false)]
    [InlineData("[abc", "a", true)] // a missing ']' ends the class at the end of the pattern
    [InlineData("[abc", "ab", false)]
    [InlineData("[", "[", false)]
    [InlineData("[^", "x", true)] // negated empty class: matches any one byte
    [InlineData("[]]", "]", false)] // ']' first closes an empty class
    [InlineData("[\\]]", "]", true)]
    [InlineData("[\\^]", "^", true)]
    [InlineData("[a-]", "_", true)] // "a-]" is the range ']'..'a'
    [InlineData("[a-]", "-", false)]
    [InlineData("[!a]", "!", true)] // only '^' negates
    [InlineData("[!a]", "b", false)]
    public void BracketClassesFollowStringmatch(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData("\\*", "*", true)]
    [InlineData("\\*", "a", false)]
    [InlineData("\\?", "?", true)]
    [InlineData("\\[a]", "[a]", true)]
    [InlineData("a\\", "a\\", true)] // a trailing backslash matches itself
    [InlineData("\\a", "a", true)]
    public void BackslashEscapesTheNextByte(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Match(pattern, text));

    [Theory]
    [InlineData("HELLO", "hello", true)]
    [InlineData("h[A-C]llo", "hbllo", true)]
    [InlineData("h*O", "hellO", true)]
    [InlineData("[\\A]", "a", false)] // escaped class members compare exactly even without case
    public void IgnoreCaseFoldsAsciiLetters(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Match(pattern, text, ignoreCase: true));

    [Fact]
    public void CaseMattersByDefault() => Assert.False(Match("HELLO", "hello"));

    [Fact]
    public void HighBytesMatchInsideRanges()
    {
        Assert.True(GlobPattern.IsMatch([0x5B, 0x80, 0x2D, 0xFF, 0x5D], [0xC3])); // [\x80-\xff]
        Assert.False(GlobPattern.IsMatch([0x5B, 0x80, 0x2D, 0xFF, 0x5D], [0x41]));
    }

    [Fact]
    public void ManyStarsAgainstANonMatchingTextFinishQuickly()
    {
        string pattern = string.Concat(Enumerable.Repeat("a*", 30)) + "b";
        string text = new('a', 5000);
        var watch = Stopwatch.StartNew();
        Assert.False(Match(pattern, text));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public void NestingIsLimitedAsRedisDoes()
    {
        // Each '*' recurses once; Redis gives up (no match) past 1000 levels.
        Assert.True(Match(string.Concat(Enumerable.Repeat("*a", 1000)), new string('a', 1000)));
        Assert.False(Match(string.Concat(Enumerable.Repeat("*a", 1001)), new string('a', 1001)));
    }

    [Fact]
    public void LiteralDetectionSeesEverySpecialByte()
    {
        Assert.True(GlobPattern.IsLiteral("user:1"u8));
        Assert.False(GlobPattern.IsLiteral("user:*"u8));
        Assert.False(GlobPattern.IsLiteral("user:?"u8));
        Assert.False(GlobPattern.IsLiteral("user:[1]"u8));
        Assert.False(GlobPattern.IsLiteral("user\\:"u8));
    }
}

namespace Cairn.Commands.Strings;

/// <summary>One LCS IDX match: inclusive ranges in the first and second string.</summary>
internal readonly record struct LcsMatch(int StartA, int EndA, int StartB, int EndB);

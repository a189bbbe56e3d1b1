using Cairn.Primitives;

namespace Cairn.Consensus.Quorum;

/// <summary>Majority arithmetic over a set of voters: the only place that decides what "a quorum" means.</summary>
internal static class MajorityQuorum
{
    public static int Size(int voterCount) => (voterCount / 2) + 1;

    /// <summary>
    /// The largest index that a majority of <paramref name="voters"/> have acknowledged, given each voter's acknowledged index
    /// (absent voters count as 0). With no voters nothing can commit, so the result is 0.
    /// </summary>
    public static ulong CommittedIndex(IReadOnlyList<ulong> voters, Func<ulong, ulong> acknowledged)
    {
        if (voters.Count == 0)
        {
            return 0;
        }
        Span<ulong> indexes = voters.Count <= 16 ? stackalloc ulong[voters.Count] : new ulong[voters.Count];
        for (int i = 0; i < voters.Count; i++)
        {
            indexes[i] = acknowledged(voters[i]);
        }
        indexes.Sort();
        // Sorted ascending, the element at position n - quorum is acknowledged by exactly a quorum of voters (it and all above it).
        ulong result = indexes[voters.Count - Size(voters.Count)];
        Invariant.Require(result <= indexes[^1], "a quorum index never exceeds the highest acknowledgement");
        return result;
    }

    /// <summary>Tallies votes: <paramref name="votes"/> maps voter to granted/rejected; missing voters have not answered.</summary>
    public static VoteResult Tally(IReadOnlyList<ulong> voters, IReadOnlyDictionary<ulong, bool> votes)
    {
        if (voters.Count == 0)
        {
            return VoteResult.Lost;
        }
        int granted = 0;
        int rejected = 0;
        foreach (ulong voter in voters)
        {
            if (votes.TryGetValue(voter, out bool vote))
            {
                if (vote)
                {
                    granted++;
                }
                else
                {
                    rejected++;
                }
            }
        }
        int quorum = Size(voters.Count);
        if (granted >= quorum)
        {
            return VoteResult.Won;
        }
        return voters.Count - rejected >= quorum ? VoteResult.Pending : VoteResult.Lost;
    }
}

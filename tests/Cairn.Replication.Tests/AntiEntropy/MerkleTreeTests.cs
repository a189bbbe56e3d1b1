using System.Text;
using Cairn.Primitives;
using Cairn.Replication.AntiEntropy;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Tests.AntiEntropy;

public sealed class MerkleTreeTests
{
    private static ValueVersion V(long n) => new(HybridTimestamp.Create(n, 0), VectorClock.FromEntries([("a", n)]));

    private static byte[] K(int i) => Encoding.UTF8.GetBytes("key:" + i);

    [Fact]
    public void TreesWithTheSameContentAgreeWhateverTheInsertionOrder()
    {
        var a = new MerkleTree();
        var b = new MerkleTree();
        for (int i = 0; i < 500; i++)
        {
            a.Set(K(i), V(i + 1));
            b.Set(K(499 - i), V(500 - i));
        }
        Assert.Equal(a.RootHash, b.RootHash);
        Assert.Empty(a.DifferingLeaves(b.LeafHashes()));
    }

    [Fact]
    public void DiffNamesOnlyTheLeavesOfDifferingKeys()
    {
        var a = new MerkleTree();
        var b = new MerkleTree();
        for (int i = 0; i < 1000; i++)
        {
            a.Set(K(i), V(1));
            b.Set(K(i), V(1));
        }
        b.Set(K(17), V(2));
        b.Set(K(900), ValueVersion.None);
        Assert.NotEqual(a.RootHash, b.RootHash);
        List<int> leaves = a.DifferingLeaves(b.LeafHashes());
        Assert.Equal(new[] { a.LeafOf(K(17)), a.LeafOf(K(900)) }.Distinct().Order(), leaves.Order());
        // Within those leaves only the two keys differ.
        var differing = leaves.SelectMany(l => a.KeysOfLeaf(l)).Where(kv => !b.KeysOfLeaf(a.LeafOf(kv.Key)).TryGetValue(kv.Key, out KeyDigest? d) || d.Value != kv.Value.Value)
            .Select(kv => Encoding.UTF8.GetString(kv.Key)).Order().ToList();
        Assert.Equal(["key:17", "key:900"], differing);
    }

    [Fact]
    public void AVersionTableThatRewritesKeysKeepsTheTreeOfItsLatestVersions()
    {
        // VersionTable updates a key already in the tree through the cell it keeps beside the version (no leaf look-up): the
        // tree must be the one built from scratch with each key's last version, digests included.
        var table = new VersionTable(1);
        for (int round = 1; round <= 5; round++)
        {
            for (int i = 0; i < 300; i += round)
            {
                table.Record(0, K(i), V(round * 1000 + i), deleted: round == 4 && i % 2 == 0);
            }
        }
        var fresh = new MerkleTree();
        for (int i = 0; i < 300; i++)
        {
            fresh.Set(K(i), table.VersionOf(0, K(i)));
        }
        MerkleTree tree = table.Tree(0);
        Assert.Equal(fresh.RootHash, tree.RootHash);
        Assert.Equal(300, tree.KeyCount);
        for (int leaf = 0; leaf < tree.LeafCount; leaf++)
        {
            Assert.Equal(fresh.KeysOfLeaf(leaf).Count, tree.KeysOfLeaf(leaf).Count);
            foreach ((byte[] key, KeyDigest digest) in tree.KeysOfLeaf(leaf))
            {
                Assert.Equal(fresh.KeysOfLeaf(leaf)[key].Value, digest.Value);
            }
        }
    }

    [Fact]
    public void RemovingEveryKeyGivesTheEmptyTree()
    {
        var tree = new MerkleTree();
        ulong empty = tree.RootHash;
        tree.Set(K(1), V(1));
        Assert.NotEqual(empty, tree.RootHash);
        tree.Set(K(1), ValueVersion.None);
        Assert.Equal(empty, tree.RootHash);
        Assert.Equal(0, tree.KeyCount);
    }

    [Fact]
    public void LevelsAreConsistentWithTheRoot()
    {
        var tree = new MerkleTree(4);
        tree.Set(K(1), V(1));
        Assert.Equal(tree.RootHash, Assert.Single(tree.Level(0)));
        Assert.Equal(16, tree.Level(4).Length);
    }
}

namespace Cairn.Engine.Memory.Sets;

/// <summary>How a set holds its members; OBJECT ENCODING reports the Redis name of each.</summary>
public enum SetEncoding
{
    /// <summary>"intset": sorted 64-bit integers, for sets whose members are all canonical integers.</summary>
    Intset,

    /// <summary>"listpack": members in insertion order, searched linearly; small sets only.</summary>
    Listpack,

    /// <summary>"hashtable": a hash table of members.</summary>
    Hashtable,
}

namespace Cairn.Engine.Memory.Hashes;

/// <summary>
/// A field's value in a hash's table encoding: the value's bytes in a struct rather than the bare array, because
/// <see cref="Collections.BytesMap{TValue}"/> over a reference type runs the runtime's shared generic code (instantiated
/// over __Canon), where the slot's <see cref="Collections.IChainedSlot"/> members are real calls instead of inlined field
/// reads; over a struct the table is compiled for its slot type. (HSET -P 16 on a 100k-field hash: Find and its
/// uninlined Key/Hash getters were 29% of the server's CPU.)
/// </summary>
internal struct HashTableValue
{
    public byte[] Bytes;
}

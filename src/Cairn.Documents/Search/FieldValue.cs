namespace Cairn.Documents.Search;

/// <summary>One indexed value of one field of one document: a tag or term (Text) or a number, and the array element it came
/// from (-1 when the field has no element prefix).</summary>
public readonly record struct FieldValue(int Element, string? Text, double Number);

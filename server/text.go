package server

// Description budgets, in bytes.
const (
	// toolDescMax bounds what a tool's description adds to its summary,
	// or stands for it (the method and path line excluded): a sentence, or
	// a paragraph cut after its last full sentence that fits.
	toolDescMax = 300
	// paramDescMax bounds an argument's description: its first sentences,
	// as long as they are shorter than paramDescWant.
	paramDescMax  = 160
	paramDescWant = 0
	// nestedDescMax bounds a description inside an argument's schema (a
	// nested property, an array item, an alternative): its first sentence.
	nestedDescMax = 100
	// bodyDescMax bounds the description of a whole-body argument.
	bodyDescMax = 300
	titleMax    = 100
)

package server

// Description budgets, in bytes.
const (
	// toolDescMax bounds a tool's description (the method and path line
	// excluded): its first paragraphs, as long as they are shorter than
	// toolDescWant.
	toolDescMax  = 300
	toolDescWant = 0
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

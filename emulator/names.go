package emulator

import (
	"crypto/rand"
	"math/big"
	"strconv"
)

// A small subset of dockerd's namesgenerator word lists.
var (
	nameLeft = []string{"admiring", "amazing", "bold", "brave", "busy", "clever", "dazzling", "eager", "elegant",
		"festive", "focused", "gallant", "happy", "hopeful", "jolly", "keen", "kind", "laughing", "lucid", "modest",
		"nifty", "optimistic", "peaceful", "quirky", "relaxed", "serene", "sharp", "stoic", "tender", "vibrant", "wizardly", "zen"}
	nameRight = []string{"albattani", "babbage", "bell", "curie", "darwin", "einstein", "euclid", "fermi", "galileo",
		"hopper", "hypatia", "kepler", "lamarr", "lovelace", "meitner", "newton", "noether", "pasteur", "ritchie",
		"shannon", "tesla", "thompson", "torvalds", "turing", "wozniak", "yalow"}
)

func pick(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err)
	}
	return int(v.Int64())
}

// generateName returns a free "adjective_scientist" name, with a digit appended on
// collision as dockerd does.
func (s *state) generateName() string {
	for i := 0; ; i++ {
		name := nameLeft[pick(len(nameLeft))] + "_" + nameRight[pick(len(nameRight))]
		if i > 0 {
			name += strconv.Itoa(pick(10 + i))
		}
		if _, taken := s.names[name]; !taken {
			return name
		}
	}
}

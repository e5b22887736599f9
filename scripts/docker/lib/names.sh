# shellcheck shell=bash
# docker's adjective_noun names for containers run without --name.
ADJECTIVES=(admiring adoring affectionate agitated amazing angry awesome blissful bold boring
    brave busy charming clever cool compassionate competent confident cranky dazzling determined
    distracted dreamy eager ecstatic elastic elated elegant eloquent epic fervent festive flamboyant
    focused friendly frosty gallant gifted goofy gracious happy hardcore heuristic hopeful hungry
    infallible inspiring jolly jovial keen kind laughing loving lucid magical modest musing
    mystifying naughty nervous nice nifty nostalgic objective optimistic peaceful pedantic pensive
    practical priceless quirky quizzical relaxed reverent romantic sad serene sharp silly sleepy
    stoic strange stupefied suspicious sweet tender thirsty trusting unruffled upbeat vibrant
    vigilant vigorous wizardly wonderful xenodochial youthful zealous zen)
NOUNS=(albattani allen archimedes ardinghelli babbage banach bardeen bartik bassi bell benz
    bhabha bohr booth borg bose brahmagupta brown carson cerf chandrasekhar clarke curie darwin
    davinci dijkstra einstein elion engelbart euclid euler faraday fermat fermi feynman franklin
    galileo gates goldberg goodall hamilton hawking heisenberg hermann hodgkin hopper hypatia
    jackson jang jennings johnson joliot kalam keller kepler khorana kilby knuth lalande lamarr
    leakey lovelace lumiere mahavira mayer mccarthy mcclintock meitner mendel merkle minsky
    morse napier newton nobel noether pare pasteur payne perlman pike poincare ptolemy raman
    ramanujan ritchie rosalind sammet shannon shockley sinoussi snyder spence stonebraker
    swartz tesla thompson torvalds turing varahamihira visvesvaraya wiles williams wing wozniak
    wright yalow yonath)

# random_name VAR: a random name into VAR.
random_name() {
    printf -v "$1" '%s_%s' "${ADJECTIVES[RANDOM % ${#ADJECTIVES[@]}]}" "${NOUNS[RANDOM % ${#NOUNS[@]}]}"
}

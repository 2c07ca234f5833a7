# The seed script of the task, written out in full (the fixed version: batch_first=True).
# Run by tests/text/test_legacy.py with `torch`/`torchtext` resolved to jtorch; EPOCHS is injected.
import torch, torch.nn as nn, torch.optim as optim
from torchtext.legacy import data, datasets

TEXT = data.Field(tokenize='spacy', batch_first=True)
LABEL = data.LabelField(dtype=torch.float)
train_data, test_data = datasets.IMDB.splits(TEXT, LABEL)
TEXT.build_vocab(train_data, max_size=25000)
LABEL.build_vocab(train_data)
train_iterator, test_iterator = data.BucketIterator.splits((train_data, test_data), batch_size=64,
    sort_key=lambda x: len(x.text), device=torch.device('cuda' if torch.cuda.is_available() else 'cpu'))


class Model(nn.Module):
    def __init__(self, vocab_size, embedding_dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.fc = nn.Linear(embedding_dim, 1)

    def forward(self, text):
        embedded = self.embedding(text)
        return self.fc(embedded.mean(dim=1))


model = Model(len(TEXT.vocab), 100)
optimizer = optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.BCEWithLogitsLoss()
for epoch in range(EPOCHS):  # noqa: F821 - the seed trains 10 epochs
    model.train()
    epoch_loss = 0
    for batch in train_iterator:
        optimizer.zero_grad()
        predictions = model(batch.text).squeeze(1)
        loss = criterion(predictions, batch.label)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
model.eval()
correct = total = 0
with torch.no_grad():
    for batch in test_iterator:
        predictions = model(batch.text).squeeze(1)
        rounded = torch.round(torch.sigmoid(predictions))
        correct += (rounded == batch.label).float().sum().item()
        total += len(batch.label)
accuracy = correct / total
